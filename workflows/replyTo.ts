import type { SealedUrl } from '../domain/sealedUrl';

/**
 * Where the answer to a click goes: the click's response_url (sealed: it travels through workflow
 * history), a channel (ephemeral), or (null) the owner's DM.
 */
export type ReplyTo = { responseUrl: SealedUrl; replaceOriginal: boolean } | { channelId: string } | null;

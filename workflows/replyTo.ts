/** Where the answer to a click goes: the click's response_url, a channel (ephemeral), or (null) the owner's DM. */
export type ReplyTo = { responseUrl: string; replaceOriginal: boolean } | { channelId: string } | null;

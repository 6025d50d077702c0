/**
 * A leak: a live key seen where it should not be, and where that was. Shared by the bot (a paste
 * in Slack), the API (GitHub secret scanning), the leak workflow and its messages. Never holds the
 * key: only its id, and the place, which is not secret.
 */

/** Who revokes a leaked key in the store and the audit log: keyops itself, not a person. */
export const LEAK_ACTOR = 'keyops';

/** Leak revocations are told apart by this prefix (temporal/resumeRevocationFollowUps.ts leaves them to leaks/resumeLeaks.ts). */
export const LEAK_REVOCATION_PREFIX = 'lk_';

export type SlackConversationType = 'channel' | 'group' | 'im' | 'mpim';

export type LeakPlace =
  | {
      kind: 'slack';
      teamId: string;
      channelId: string;
      channelType: SlackConversationType;
      /** The channel's name when Slack told it (not for DMs); the id is shown otherwise. */
      channelName: string | null;
      userId: string;
      /** The poster's handle when Slack told it. */
      userName: string | null;
      messageTs: string;
    }
  | { kind: 'github'; url: string; source: string };

export type LeakAction = 'revoke' | 'notify';

/** The leak workflow's input: which key, what was done, where it was seen. */
export interface LeakInput {
  leakId: string;
  keyId: string;
  action: LeakAction;
  /** Set when keyops revoked the key (action revoke): its revocation's follow-ups run too. */
  revocationId: string | null;
  place: LeakPlace;
}

/** The revocation reason stored with the key and shown to people: "pasted in #general by @ana". */
export function leakReason(place: LeakPlace): string {
  if (place.kind === 'github') return `published at ${place.url} (GitHub secret scanning)`;
  const who = `@${place.userName ?? place.userId}`;
  if (place.channelType === 'im') return `pasted in a direct message with keyops by ${who}`;
  if (place.channelType === 'mpim') return `pasted in a group direct message by ${who}`;
  return `pasted in #${place.channelName ?? place.channelId} by ${who}`;
}

/** The audit log's `source` for a leak. */
export function leakSource(place: LeakPlace): string {
  return place.kind === 'slack' ? `slack:${place.teamId}/${place.channelId}` : 'github:secret-scanning';
}

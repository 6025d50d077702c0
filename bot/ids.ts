/**
 * Every action_id, callback_id and block_id keyops uses, in one place: listeners, view builders
 * and tests import them from here so a rename cannot silently break a button.
 */
export const COMMAND = '/apikey';

export const ActionIds = {
  revealKey: 'key.reveal',
  approveRequest: 'approval.approve',
  denyRequest: 'approval.deny',
  cancelRequest: 'approval.cancel',
  /** Buttons that act on one key; their value is the key id (see keyActionId). */
  rotateKey: 'key.rotate',
  /** A "Revoke" button whose value is a key id; any message may carry one (see revokeActionId). */
  revokeKey: 'key.revoke',
  extendKey: 'key.extend',
  keyUsage: 'key.usage',
  keepKey: 'key.keep',
  /** "Previous" / "Next" under a key list; the value says whose list and which page. */
  keyListPage: 'keys.page',
  /** A rotation's grace period: the value is the old key's id and the new key's id. */
  rotationRevokeOld: 'rotation.revoke_old',
  rotationExtendGrace: 'rotation.extend_grace',
  rotationCancel: 'rotation.cancel',
  /** "Get a replacement" on a leaked key's notice: the value is the leaked key's id. */
  replaceLeakedKey: 'leak.replace',
  /** "Older" under an `/apikey audit` page; the value says what and from where on. */
  auditPage: 'audit.page',
} as const;

type ApprovalAction = 'approveRequest' | 'denyRequest' | 'cancelRequest';

/**
 * Approval buttons carry the request id in their action id as well as in their value: Slack wants
 * action ids unique within a message, and `/apikey approvals` lists several requests in one.
 */
export function approvalActionId(action: ApprovalAction, requestId: string): string {
  return `${ActionIds[action]}:${requestId}`;
}

/** Matches every action id `approvalActionId` makes for one kind of button. */
export function approvalActionPattern(action: ApprovalAction): RegExp {
  return new RegExp(`^${ActionIds[action].replace('.', '\\.')}:`);
}

export type KeyAction = 'revealKey' | 'rotateKey' | 'revokeKey' | 'extendKey' | 'keyUsage' | 'keepKey';

/**
 * Slack wants action ids unique within a message: the n-th key of a list gets `key.rotate.<n>`,
 * a message about one key plain `key.rotate`. Listeners match both with keyActionPattern.
 */
export function keyActionId(action: KeyAction, index?: number): string {
  return index === undefined ? ActionIds[action] : `${ActionIds[action]}.${index}`;
}

export function keyActionPattern(action: KeyAction): RegExp {
  return new RegExp(`^${ActionIds[action].replace('.', '\\.')}(?:\\.\\d+)?$`);
}

/** The n-th "Revoke" button of a message that has several is `key.revoke.<n>` (see keyActionId). */
export function revokeActionId(index?: number): string {
  return keyActionId('revokeKey', index);
}
export const REVOKE_ACTION_RE = keyActionPattern('revokeKey');

export const CallbackIds = {
  newKey: 'new_key',
  denyRequest: 'deny_request',
  revokeKeys: 'revoke_keys',
  extendKey: 'extend_key',
  rotateKey: 'rotate_key',
  /** A modal that only explains something (a click from App Home has no conversation to answer in). */
  notice: 'notice',
  /** The modal a key is revealed in when the click came from a message that outlives the display (a DM, App Home). */
  revealedKey: 'revealed_key',
} as const;

/** Input blocks of the revocation modal (action id = block id, as in the new-key modal). */
export const RevokeBlocks = {
  reason: 'revoke.reason',
  /** Environment-wide revocations ask for the environment's name to be typed. */
  confirm: 'revoke.confirm',
} as const;

export const DenyBlocks = {
  reason: 'deny_request.reason',
} as const;

export const ExtendBlocks = {
  lifetime: 'extend.lifetime',
} as const;

export const RotateBlocks = {
  grace: 'rotate.grace',
} as const;

/**
 * Input blocks of the new-key modal; their ids are also the keys of inline errors, and each
 * element's action_id is its block's id (action ids stay unique within the view). The lifetime
 * block's id carries the environment (see lifetimeBlockId); its action id is `lifetime` alone.
 */
export const NewKeyBlocks = {
  name: 'new_key.name',
  environment: 'new_key.environment',
  scopes: 'new_key.scopes',
  lifetime: 'new_key.lifetime',
  reason: 'new_key.reason',
} as const;

export const MessageBlocks = {
  revealActions: 'reveal.actions',
  revealedKey: 'reveal.key',
  keyListNav: 'keys.nav',
  noticeActions: 'notice.actions',
  rotationActions: 'rotation.actions',
  /** Followed by `:<request id>`, unique per request within a message (see approvalBlockId). */
  approvalActions: 'approval.actions',
  leakActions: 'leak.actions',
} as const;

export function approvalBlockId(requestId: string): string {
  return `${MessageBlocks.approvalActions}:${requestId}`;
}

/** Blocks of the n-th key in a list or on App Home. */
export function keyRowBlockIds(index: number): { summary: string; actions: string } {
  return { summary: `keys.row.${index}`, actions: `keys.row.${index}.actions` };
}

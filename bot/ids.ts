/**
 * Every action_id, callback_id and block_id keyops uses, in one place: listeners, view builders
 * and tests import them from here so a rename cannot silently break a button.
 */
export const COMMAND = '/apikey';

export const ActionIds = {
  revealKey: 'key.reveal',
} as const;

export const CallbackIds = {
  newKey: 'new_key',
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
} as const;

/**
 * Whole-surface rules (message or view) on top of the per-block limits.
 *
 * Slack reports these differently per API family: chat.* answer
 * `invalid_blocks` / `msg_too_long` / `no_text`, while views.* answer
 * `invalid_arguments`; response_url and ack bodies reuse the message rules.
 * Keeping the mapping in one place keeps every entry point consistent.
 */
import { BlockChecker, isObj, validateBlocks } from './limits';
import type { Obj, SlackError } from './types';

export const MAX_MESSAGE_TEXT = 40_000;

const invalidArguments = (messages: string[]): SlackError => ({ ok: false, error: 'invalid_arguments', response_metadata: { messages } });

/**
 * Validates message content (`text`, `blocks`) as chat.postMessage/update would.
 * `blocks` still being a string means keyops sent JSON Slack could not parse.
 */
export function validateMessage(content: Obj): SlackError | null {
  const { text, blocks } = content;
  if (typeof blocks === 'string') return { ok: false, error: 'invalid_blocks_format' };
  const hasText = typeof text === 'string' && text.length > 0;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (!hasText && !hasBlocks && content.attachments === undefined) return { ok: false, error: 'no_text' };
  if (typeof text === 'string' && text.length > MAX_MESSAGE_TEXT) return { ok: false, error: 'msg_too_long' };
  if (blocks !== undefined) {
    const messages = validateBlocks(blocks, 'message');
    if (messages.length > 0) return { ok: false, error: 'invalid_blocks', response_metadata: { messages } };
  }
  return null;
}

/** Validates a modal or Home tab view object as views.open/push/update/publish would. */
export function validateView(view: unknown): SlackError | null {
  if (!isObj(view)) return invalidArguments(['[ERROR] must provide an object [json-pointer:/view]']);
  const type = view.type;
  if (type !== 'modal' && type !== 'home') return invalidArguments(['[ERROR] must be one of modal, home [json-pointer:/view/type]']);
  const checker = new BlockChecker(type);
  if (type === 'modal') {
    checker.text(view.title, '/view/title', 24, { plainOnly: true });
    checker.text(view.submit, '/view/submit', 24, { plainOnly: true, required: false });
    checker.text(view.close, '/view/close', 24, { plainOnly: true, required: false });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) checker.fail('/view/submit', 'must provide submit when the view contains input blocks');
  }
  checker.maxLength(view.callback_id, 255, '/view/callback_id');
  checker.maxLength(view.private_metadata, 3000, '/view/private_metadata');
  checker.maxLength(view.external_id, 255, '/view/external_id');
  checker.blocks(view.blocks, '/view/blocks', 100);
  return checker.errors.length > 0 ? invalidArguments(checker.errors) : null;
}

/** Normalizes optional text/blocks into the stored shape. */
export function contentOf(source: Obj): { text: string; blocks: Obj[] } {
  return {
    text: typeof source.text === 'string' ? source.text : '',
    blocks: Array.isArray(source.blocks) ? source.blocks.filter(isObj) : [],
  };
}

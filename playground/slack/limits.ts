/**
 * Block Kit limits, enforced the way Slack enforces them.
 *
 * Why: Slack rejects an entire message or modal when a single button label is
 * one character too long, and it does so only in production. Checking the
 * documented limits in the fake turns those production-only failures into
 * test failures. Errors use Slack's own message format
 * (`[ERROR] ... [json-pointer:/blocks/0/text/text]`) so failures point at the
 * offending field.
 */
import type { Obj } from './types';

export type Surface = 'message' | 'modal' | 'home';

export const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'input', 'image', 'rich_text', 'markdown']);

const SELECTS = [
  'static_select', 'multi_static_select', 'external_select', 'multi_external_select', 'users_select',
  'multi_users_select', 'conversations_select', 'multi_conversations_select', 'channels_select', 'multi_channels_select',
];
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons'];
const INPUT_ONLY = ['plain_text_input', 'email_text_input', 'number_input', 'url_text_input', 'rich_text_input', 'file_input'];
const SECTION_ACCESSORIES = new Set(['button', 'overflow', 'image', ...SELECTS, ...PICKERS]);
const ACTIONS_ELEMENTS = new Set(['button', 'overflow', ...SELECTS, ...PICKERS]);
const INPUT_ELEMENTS = new Set([...SELECTS, ...PICKERS, ...INPUT_ONLY]);

export const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

interface TextRule {
  /** Headers, buttons, labels and modal titles reject mrkdwn. */
  plainOnly?: boolean;
  required?: boolean;
}

/** Collects every violation in one pass, like Slack's `response_metadata.messages`. */
export class BlockChecker {
  readonly errors: string[] = [];
  // Slack requires action_id and block_id to be unique within one message or view.
  private readonly actionIds = new Set<string>();
  private readonly blockIds = new Set<string>();

  constructor(private readonly surface: Surface) {}

  fail(pointer: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  maxLength(value: unknown, max: number, pointer: string, required = false): void {
    if (value === undefined) {
      if (required) this.fail(pointer, 'must provide a string');
      return;
    }
    if (typeof value !== 'string') this.fail(pointer, 'must be a string');
    else if (value.length > max) this.fail(pointer, `must be less than ${max + 1} characters`);
  }

  text(value: unknown, pointer: string, max: number, rule: TextRule = {}): void {
    if (value === undefined) {
      if (rule.required !== false) this.fail(pointer, 'must provide an object');
      return;
    }
    if (!isObj(value)) return this.fail(pointer, 'must provide an object');
    const allowed = rule.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (!allowed.includes(String(value.type))) this.fail(`${pointer}/type`, `must be one of ${allowed.join(', ')}`);
    if (typeof value.text !== 'string') return this.fail(`${pointer}/text`, 'must provide a string');
    if (value.text.length === 0) this.fail(`${pointer}/text`, 'must be more than 0 characters');
    this.maxLength(value.text, max, `${pointer}/text`);
  }

  blocks(blocks: unknown, pointer: string, max: number): void {
    if (!Array.isArray(blocks)) return this.fail(pointer, 'must provide an array');
    if (blocks.length > max) this.fail(pointer, `no more than ${max} items allowed`);
    blocks.forEach((block, i) => this.block(block, `${pointer}/${i}`));
  }

  private unique(seen: Set<string>, value: unknown, pointer: string, label: string): void {
    if (typeof value !== 'string') return;
    if (seen.has(value)) this.fail(pointer, `duplicate ${label} "${value}" (${label}s must be unique)`);
    seen.add(value);
  }

  private list(value: unknown, pointer: string, min: number, max: number): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(pointer, 'must provide an array');
      return [];
    }
    if (value.length < min) this.fail(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.fail(pointer, `no more than ${max} items allowed`);
    return value;
  }

  private block(block: unknown, p: string): void {
    if (!isObj(block)) return this.fail(p, 'must provide an object');
    const type = block.type;
    if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) return this.fail(`${p}/type`, `unsupported block type: ${String(type)}`);
    this.maxLength(block.block_id, 255, `${p}/block_id`);
    this.unique(this.blockIds, block.block_id, `${p}/block_id`, 'block_id');
    switch (type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined) this.fail(p, 'must provide text or fields');
        this.text(block.text, `${p}/text`, 3000, { required: false });
        if (block.fields !== undefined) {
          this.list(block.fields, `${p}/fields`, 1, 10).forEach((f, i) => this.text(f, `${p}/fields/${i}`, 2000));
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${p}/accessory`, SECTION_ACCESSORIES);
        return;
      case 'header':
        return this.text(block.text, `${p}/text`, 150, { plainOnly: true });
      case 'context':
        return this.list(block.elements, `${p}/elements`, 1, 10).forEach((el, i) => this.contextElement(el, `${p}/elements/${i}`));
      case 'actions':
        return this.list(block.elements, `${p}/elements`, 1, 25).forEach((el, i) => this.element(el, `${p}/elements/${i}`, ACTIONS_ELEMENTS));
      case 'input':
        if (this.surface === 'message') this.fail(`${p}/type`, 'input blocks are only supported in modals and Home tabs');
        this.text(block.label, `${p}/label`, 2000, { plainOnly: true });
        this.text(block.hint, `${p}/hint`, 2000, { plainOnly: true, required: false });
        return this.element(block.element, `${p}/element`, INPUT_ELEMENTS);
      case 'image':
        return this.image(block, p);
      case 'rich_text':
        this.list(block.elements, `${p}/elements`, 1, Number.MAX_SAFE_INTEGER);
        return;
      case 'markdown':
        return this.maxLength(block.text, 12000, `${p}/text`, true);
      default: // divider
        return;
    }
  }

  private image(el: Obj, p: string): void {
    if (el.slack_file === undefined) this.maxLength(el.image_url, 3000, `${p}/image_url`, true);
    this.maxLength(el.alt_text, 2000, `${p}/alt_text`, true);
  }

  private contextElement(el: unknown, p: string): void {
    if (!isObj(el)) return this.fail(p, 'must provide an object');
    if (el.type === 'image') return this.image(el, p);
    if (el.type === 'plain_text' || el.type === 'mrkdwn') return this.text(el, p, 3000);
    this.fail(`${p}/type`, `unsupported context element type: ${String(el.type)}`);
  }

  private element(el: unknown, p: string, allowed: Set<string>): void {
    if (!isObj(el)) return this.fail(p, 'must provide an object');
    const type = el.type;
    if (typeof type !== 'string' || !allowed.has(type)) return this.fail(`${p}/type`, `unsupported element type here: ${String(type)}`);
    this.maxLength(el.action_id, 255, `${p}/action_id`);
    this.unique(this.actionIds, el.action_id, `${p}/action_id`, 'action_id');
    this.text(el.placeholder, `${p}/placeholder`, 150, { plainOnly: true, required: false });
    switch (type) {
      case 'button':
        this.text(el.text, `${p}/text`, 75, { plainOnly: true });
        this.maxLength(el.value, 2000, `${p}/value`);
        this.maxLength(el.url, 3000, `${p}/url`);
        if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') this.fail(`${p}/style`, 'must be primary or danger');
        return;
      case 'static_select':
      case 'multi_static_select':
        return this.options(el, p, 100, true);
      case 'overflow':
        return this.options(el, p, 5, true);
      case 'radio_buttons':
      case 'checkboxes':
        return this.options(el, p, 10, false);
      case 'plain_text_input':
        for (const key of ['min_length', 'max_length'] as const) {
          const n = el[key];
          if (n !== undefined && (typeof n !== 'number' || n < 0 || n > 3000)) this.fail(`${p}/${key}`, 'must be a number from 0 to 3000');
        }
        return this.maxLength(el.initial_value, 3000, `${p}/initial_value`);
      case 'image':
        return this.image(el, p);
      default:
        return;
    }
  }

  /** Options, option groups and initial selections; Slack rejects an initial option that is not offered. */
  private options(el: Obj, p: string, max: number, selectStyle: boolean): void {
    const offered: unknown[] = [];
    if (el.options === undefined && el.option_groups === undefined) return this.fail(`${p}/options`, 'must provide options or option_groups');
    if (el.options !== undefined) {
      const opts = this.list(el.options, `${p}/options`, 1, max);
      opts.forEach((o, i) => this.option(o, `${p}/options/${i}`, selectStyle));
      offered.push(...opts);
    }
    if (el.option_groups !== undefined) {
      this.list(el.option_groups, `${p}/option_groups`, 1, 100).forEach((g, gi) => {
        const gp = `${p}/option_groups/${gi}`;
        if (!isObj(g)) return this.fail(gp, 'must provide an object');
        this.text(g.label, `${gp}/label`, 75, { plainOnly: true });
        const opts = this.list(g.options, `${gp}/options`, 1, 100);
        opts.forEach((o, i) => this.option(o, `${gp}/options/${i}`, selectStyle));
        offered.push(...opts);
      });
    }
    const values = new Set(offered.filter(isObj).map((o) => o.value));
    const initial = [el.initial_option, ...(Array.isArray(el.initial_options) ? el.initial_options : [])];
    initial.forEach((o, i) => {
      if (o === undefined) return;
      const ip = i === 0 ? `${p}/initial_option` : `${p}/initial_options/${i - 1}`;
      if (!isObj(o) || !values.has(o.value)) this.fail(ip, 'must match one of the provided options');
    });
  }

  private option(o: unknown, p: string, selectStyle: boolean): void {
    if (!isObj(o)) return this.fail(p, 'must provide an object');
    this.text(o.text, `${p}/text`, 75, { plainOnly: selectStyle });
    this.maxLength(o.value, 150, `${p}/value`, true);
    this.text(o.description, `${p}/description`, 75, { plainOnly: selectStyle, required: false });
  }
}

/** Validates a blocks array for a surface; returns Slack-formatted error messages (empty when valid). */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const checker = new BlockChecker(surface);
  checker.blocks(blocks, pointer, surface === 'message' ? 50 : 100);
  return checker.errors;
}

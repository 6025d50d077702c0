/** The "New API key" modal. Pure: the policy and the chosen environment in, a Block Kit view out. */
import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import { formatDuration } from '../../domain/duration';
import { defaultEnvironment, findEnvironment, type Policy } from '../../domain/policy';
import { CallbackIds, NewKeyBlocks } from '../ids';

export interface NewKeyModalMetadata {
  channelId: string;
  environment: string;
}

const OPTION_TEXT_MAX = 75;

function option(text: string, value: string): PlainTextOption {
  const trimmed = text.length > OPTION_TEXT_MAX ? text.slice(0, OPTION_TEXT_MAX - 1) + '…' : text;
  return { text: { type: 'plain_text', text: trimmed }, value };
}

/** The lifetime block id carries the environment, so Slack drops a stale choice when it changes. */
export function lifetimeBlockId(environment: string): string {
  return `${NewKeyBlocks.lifetime}.${environment}`;
}

export function buildNewKeyModal(input: { policy: Policy; channelId: string; environment?: string }): View {
  const { policy } = input;
  const env = (input.environment && findEnvironment(policy, input.environment)) || defaultEnvironment(policy);
  const envOptions = policy.environments.map((e) => option(e.approval === 'required' ? `${e.name} (needs approval)` : e.name, e.name));
  const scopeOptions = policy.scopes.map((s) => option(`${s.name}${s.sensitive ? ' 🔒' : ''}: ${s.description}`, s.name));
  const lifetimeOptions = env.lifetimes.map((seconds) => option(formatDuration(seconds), formatDuration(seconds)));
  const initialScopes = scopeOptions.filter((o) => policy.defaultScopes.includes(o.value as string));
  const metadata: NewKeyModalMetadata = { channelId: input.channelId, environment: env.name };
  const sensitive = policy.scopes.filter((s) => s.sensitive).map((s) => s.name);

  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: NewKeyBlocks.name,
      label: { type: 'plain_text', text: 'Name' },
      hint: { type: 'plain_text', text: 'What uses this key, e.g. "Payments service". Up to 64 characters.' },
      element: { type: 'plain_text_input', action_id: NewKeyBlocks.name, max_length: 64, placeholder: { type: 'plain_text', text: 'Payments service' } },
    },
    {
      type: 'input',
      block_id: NewKeyBlocks.environment,
      // Changing the environment refreshes the lifetimes it allows (see newKeyEnvironment listener).
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Environment' },
      element: { type: 'static_select', action_id: NewKeyBlocks.environment, options: envOptions, initial_option: envOptions.find((o) => o.value === env.name) },
    },
    {
      type: 'input',
      block_id: NewKeyBlocks.scopes,
      label: { type: 'plain_text', text: 'Scopes' },
      ...(sensitive.length > 0 ? { hint: { type: 'plain_text' as const, text: `🔒 sensitive scopes (${sensitive.join(', ')}) need an approver.` } } : {}),
      element: { type: 'multi_static_select', action_id: NewKeyBlocks.scopes, options: scopeOptions, ...(initialScopes.length > 0 ? { initial_options: initialScopes } : {}) },
    },
    {
      type: 'input',
      block_id: lifetimeBlockId(env.name),
      label: { type: 'plain_text', text: 'Expires in' },
      element: {
        type: 'static_select',
        action_id: NewKeyBlocks.lifetime,
        options: lifetimeOptions,
        initial_option: lifetimeOptions.find((o) => o.value === formatDuration(env.defaultLifetime)),
      },
    },
    {
      type: 'input',
      block_id: NewKeyBlocks.reason,
      optional: true,
      label: { type: 'plain_text', text: 'Reason' },
      hint: { type: 'plain_text', text: 'Required when the key needs approval (production or a 🔒 scope).' },
      element: { type: 'plain_text_input', action_id: NewKeyBlocks.reason, multiline: true, max_length: 500 },
    },
  ];

  return {
    type: 'modal',
    callback_id: CallbackIds.newKey,
    title: { type: 'plain_text', text: 'New API key' },
    submit: { type: 'plain_text', text: 'Create' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

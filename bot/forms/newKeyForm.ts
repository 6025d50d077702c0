/**
 * The new-key modal's submission: parsed with zod, checked against the policy and the store.
 * Errors are keyed by block id, ready for Slack's `response_action: errors`.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import { formatDuration, parseDuration } from '../../domain/duration';
import { findEnvironment, requestNeedsApproval, type Policy } from '../../domain/policy';
import { NewKeyBlocks } from '../ids';
import { parseMetadata } from './metadata';
import { lifetimeBlockId, type NewKeyModalMetadata } from '../views/newKeyModal';

export interface NewKeyForm {
  name: string;
  environment: string;
  scopes: string[];
  lifetimeSeconds: number;
  reason: string | null;
  channelId: string;
  needsApproval: boolean;
}

export type FormErrors = Record<string, string>;
export type ParsedForm = { ok: true; form: NewKeyForm } | { ok: false; errors: FormErrors };

const optionSchema = z.object({ value: z.string() });
const stateSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      value: z.string().nullish(),
      selected_option: optionSchema.nullish(),
      selected_options: z.array(optionSchema).nullish(),
    }),
  ),
);
export const metadataSchema = z.object({ channelId: z.string().min(1), environment: z.string() });

export function parseNewKeyMetadata(text: string): NewKeyModalMetadata | null {
  return parseMetadata(metadataSchema, text);
}

export function parseNewKeyForm(input: { policy: Policy; stateValues: unknown; metadata: NewKeyModalMetadata }): ParsedForm {
  const state = stateSchema.safeParse(input.stateValues);
  if (!state.success) return { ok: false, errors: { [NewKeyBlocks.name]: 'Slack sent a form keyops cannot read; please try again.' } };
  const field = (blockId: string, actionId: string = blockId) => state.data[blockId]?.[actionId];
  const errors: FormErrors = {};

  const name = (field(NewKeyBlocks.name)?.value ?? '').trim();
  if (name.length === 0) errors[NewKeyBlocks.name] = 'Give the key a name.';
  else if (name.length > 64) errors[NewKeyBlocks.name] = `Names are at most 64 characters (this one has ${name.length}).`;

  const environment = field(NewKeyBlocks.environment)?.selected_option?.value ?? input.metadata.environment;
  const env = findEnvironment(input.policy, environment);
  if (!env) errors[NewKeyBlocks.environment] = `"${environment}" is not an environment in the policy.`;

  const scopes = [...new Set((field(NewKeyBlocks.scopes)?.selected_options ?? []).map((o) => o.value))];
  const unknown = scopes.filter((s) => !input.policy.scopes.some((p) => p.name === s));
  if (scopes.length === 0) errors[NewKeyBlocks.scopes] = 'Pick at least one scope.';
  else if (unknown.length > 0) errors[NewKeyBlocks.scopes] = `Unknown scope: ${unknown.join(', ')}.`;

  const lifetimeBlock = lifetimeBlockId(env?.name ?? environment);
  const lifetimeText = field(lifetimeBlock, NewKeyBlocks.lifetime)?.selected_option?.value;
  const lifetimeSeconds = lifetimeText ? parseDuration(lifetimeText) : null;
  if (env && (lifetimeSeconds === null || !env.lifetimes.includes(lifetimeSeconds))) {
    const longest = Math.max(...env.lifetimes);
    errors[lifetimeBlock] = lifetimeSeconds !== null && lifetimeSeconds > longest
      ? `${env.name} keys live at most ${formatDuration(longest)}.`
      : `Pick one of the lifetimes ${env.name} allows.`;
  }

  const reason = (field(NewKeyBlocks.reason)?.value ?? '').trim();
  const needsApproval = requestNeedsApproval(input.policy, { environment, scopes });
  if (needsApproval && reason.length === 0) errors[NewKeyBlocks.reason] = 'This key needs approval (production or a 🔒 scope): say why you need it.';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    form: { name, environment, scopes, lifetimeSeconds: lifetimeSeconds as number, reason: reason || null, channelId: input.metadata.channelId, needsApproval },
  };
}

/** The check that needs the store: a name already in use. The rate limit is counted at submit (db/keyRequestLimit.ts). */
export async function checkNewKeyAgainstStore(input: { db: Db; form: NewKeyForm; userId: string }): Promise<FormErrors> {
  const sameName = await input.db.apiKey.findFirst({
    where: { ownerId: input.userId, environment: input.form.environment, status: { in: ['ACTIVE', 'PENDING_REVEAL'] }, name: { equals: input.form.name, mode: 'insensitive' } },
    select: { id: true },
  });
  if (!sameName) return {};
  return { [NewKeyBlocks.name]: `You already have a ${input.form.environment} key named "${input.form.name}". Pick another name, or rotate that key.` };
}

export function rateLimitText(input: { recent: number; limit: number }): string {
  return `You asked for ${input.recent} keys in the last hour; the limit is ${input.limit}. Try again later.`;
}

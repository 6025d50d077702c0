/** The revocation modal's submission, parsed with zod: its metadata, the reason, the typed confirmation. */
import { z } from 'zod';
import { KEY_ID_RE } from '../../domain/ids';
import { RevokeBlocks } from '../ids';
import { parseMetadata } from './metadata';
import type { RevokeModalMetadata } from '../views/revokeModal';
import type { FormErrors } from './newKeyForm';

const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), keyId: z.string().regex(KEY_ID_RE) }),
  z.object({ kind: z.literal('owner'), ownerId: z.string().regex(/^[UW][A-Z0-9]{2,}$/) }),
  z.object({ kind: z.literal('environment'), environment: z.string().min(1) }),
]);

const metadataSchema = z.object({ scope: scopeSchema, channelId: z.string().min(1), via: z.string().min(1).max(16), shownCount: z.number().int().min(0) });

export function parseRevokeMetadata(text: string): RevokeModalMetadata | null {
  return parseMetadata(metadataSchema, text);
}

const stateSchema = z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() })));

export type ParsedRevokeForm = { ok: true; reason: string } | { ok: false; errors: FormErrors };

export function parseRevokeForm(input: { stateValues: unknown; metadata: RevokeModalMetadata }): ParsedRevokeForm {
  const state = stateSchema.safeParse(input.stateValues);
  if (!state.success) return { ok: false, errors: { [RevokeBlocks.reason]: 'Slack sent a form keyops cannot read; please try again.' } };
  const field = (blockId: string): string => (state.data[blockId]?.[blockId]?.value ?? '').trim();
  const errors: FormErrors = {};
  const reason = field(RevokeBlocks.reason);
  if (reason.length === 0) errors[RevokeBlocks.reason] = 'Say why: the owner and the audit log will read it.';
  else if (reason.length > 500) errors[RevokeBlocks.reason] = `Reasons are at most 500 characters (this one has ${reason.length}).`;
  const { scope } = input.metadata;
  if (scope.kind === 'environment' && field(RevokeBlocks.confirm) !== scope.environment) {
    errors[RevokeBlocks.confirm] = `Type ${scope.environment} exactly to revoke every live key in it.`;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, reason };
}

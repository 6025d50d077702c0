/** The deny modal's submission, parsed with zod: the request it is about and a required reason. */
import { z } from 'zod';
import { REQUEST_ID_RE } from '../../domain/ids';
import { DENY_REASON_MAX } from '../../domain/approval';
import { DenyBlocks } from '../ids';

const metadataSchema = z.object({ requestId: z.string().regex(REQUEST_ID_RE) });
const stateSchema = z.object({ [DenyBlocks.reason]: z.object({ [DenyBlocks.reason]: z.object({ value: z.string().nullish() }) }) });

export type DenyForm = { ok: true; requestId: string; reason: string } | { ok: false; error: 'STALE' | 'REASON_REQUIRED' };

export function parseDenyForm(input: { privateMetadata: string; stateValues: unknown }): DenyForm {
  let metadata: unknown;
  try {
    metadata = JSON.parse(input.privateMetadata);
  } catch {
    return { ok: false, error: 'STALE' };
  }
  const parsedMetadata = metadataSchema.safeParse(metadata);
  if (!parsedMetadata.success) return { ok: false, error: 'STALE' };
  const state = stateSchema.safeParse(input.stateValues);
  const reason = (state.success ? state.data[DenyBlocks.reason][DenyBlocks.reason].value ?? '' : '').trim();
  if (reason.length === 0 || reason.length > DENY_REASON_MAX) return { ok: false, error: 'REASON_REQUIRED' };
  return { ok: true, requestId: parsedMetadata.data.requestId, reason };
}

/**
 * Start-up: every leak recorded in the last day is finished. A leak is audited (`key.leaked`, with
 * what is needed to finish it) before its key is revoked and its messages start; a process killed
 * in between left a key live or people untold. completeLeak is idempotent, and the leak workflow's
 * id comes from the leak id, so leaks that were finished change nothing here.
 */
import { z } from 'zod';
import { LEAK_ACTOR, type LeakInput } from '../domain/leak';
import { completeLeak, type LeakDeps } from './handleLeak';

/** A process that died is restarted within seconds to hours; a day covers that without rescanning history. */
const LOOK_BACK_MS = 24 * 3600 * 1000;

const placeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('slack'), teamId: z.string(), channelId: z.string(), channelType: z.enum(['channel', 'group', 'im', 'mpim']),
    channelName: z.string().nullable(), userId: z.string(), userName: z.string().nullable(), messageTs: z.string(),
  }),
  z.object({ kind: z.literal('github'), url: z.string(), source: z.string() }),
]);
const detailsSchema = z.object({
  input: z.object({ leakId: z.string(), keyId: z.string(), action: z.enum(['revoke', 'notify']), revocationId: z.string().nullable(), place: placeSchema }),
});

export async function resumeLeaks(deps: LeakDeps & { signal?: AbortSignal }): Promise<{ leaks: number; unfinished: number }> {
  const now = deps.clock();
  // (actor_id, at) is indexed: this reads the last day of keyops's own audit events only.
  const events = await deps.db.auditEvent.findMany({ where: { actorId: LEAK_ACTOR, action: 'key.leaked', at: { gte: new Date(now.getTime() - LOOK_BACK_MS) } }, select: { details: true } });
  let unfinished = 0;
  for (const event of events) {
    if (deps.signal?.aborted) break;
    const parsed = detailsSchema.safeParse(event.details);
    if (!parsed.success) continue;
    const input: LeakInput = parsed.data.input;
    const key = await deps.db.apiKey.findUnique({ where: { id: input.keyId }, select: { status: true, revocationId: true } });
    if (!key) continue;
    // Another revocation got there first: nothing of this leak's is left to do.
    if (input.revocationId && key.status === 'REVOKED' && key.revocationId !== input.revocationId) continue;
    if (input.revocationId && key.status !== 'REVOKED') unfinished += 1;
    await completeLeak(deps, { input, now });
  }
  return { leaks: events.length, unfinished };
}

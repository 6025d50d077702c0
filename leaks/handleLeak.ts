/**
 * The one path every leak takes, whether a person pasted a key into Slack or GitHub found it in a
 * repository: look the keys up by hash, revoke the live ones through the one revocation statement
 * (or only report them, as the policy says), audit, and hand the messages to the leak workflow.
 *
 * The revocation commits here, before anything else, depending on nothing but PostgreSQL (as the
 * revocation modal does): a leaked key dies even while Temporal is down. The messages follow
 * durably from the workflow. Everything is keyed by the leak id, so the same sighting reported
 * twice (Slack or GitHub retrying) revokes once and tells once.
 *
 * The keys themselves are only hashed here: never logged, stored, or put in a workflow input.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import { KEY_FACTS, commitRevocation } from '../db/revocations';
import { keyHashCandidates } from '../domain/keyHash';
import { LEAK_ACTOR, LEAK_REVOCATION_PREFIX, leakReason, leakSource, type LeakAction, type LeakInput, type LeakPlace } from '../domain/leak';
import type { Logger } from '../runtime/log';
import { TASK_QUEUE } from '../temporal/taskQueue';
import { leakWorkflow, leakWorkflowId } from '../workflows/leak';

export interface LeakDeps {
  db: Db;
  temporal: Client;
  keyHashSecret: string;
  /** KEY_HASH_SECRET_PREVIOUS: keys hashed under these are still recognised. */
  previousKeyHashSecrets?: readonly string[];
  clock: () => Date;
  log: Logger;
  taskQueue?: string;
}

/**
 * What became of one key: `unknown` (keyops never issued it), `not_live` (revoked, expired, or
 * revoked by someone else a moment ago), `revoked` by this leak, or `reported` to on-call.
 */
export type LeakOutcome = 'unknown' | 'not_live' | 'revoked' | 'reported';

export interface LeakReport {
  keys: readonly string[];
  action: LeakAction;
  /**
   * Where `keys[index]` was seen (one place for a Slack message's keys; a URL each for GitHub's),
   * asked only for keys keyops issued.
   */
  describePlace(index: number): Promise<LeakPlace>;
}

/**
 * One outcome per key, in the order given. All the keys are looked up in one query, however many
 * a report names (a GitHub alert may name hundreds): a round trip per key would make a large
 * alert wait on the database hundreds of times.
 */
export async function handleLeakedKeys(deps: LeakDeps, report: LeakReport): Promise<LeakOutcome[]> {
  if (report.keys.length === 0) return [];
  // Each key in every form it may be stored in (current secret, older ones, the form before ids).
  const candidates = report.keys.map((key) => keyHashCandidates({ key, secret: deps.keyHashSecret, previous: deps.previousKeyHashSecrets ?? [] }));
  const rows = await deps.db.apiKey.findMany({ where: { keyHash: { in: candidates.flat() } }, select: { ...KEY_FACTS, keyHash: true } });
  const byHash = new Map(rows.map((row) => [row.keyHash, row]));
  const now = deps.clock();
  const outcomes: LeakOutcome[] = [];
  const handled = new Set<string>();
  for (const [index, hashes] of candidates.entries()) {
    const row = hashes.map((hash) => byHash.get(hash)).find((found) => found !== undefined);
    if (!row) {
      outcomes.push('unknown');
      continue;
    }
    // The same key named twice in one report (two places in one push): acted on once, as when it came in two reports.
    if (handled.has(row.id)) {
      outcomes.push('not_live');
      continue;
    }
    handled.add(row.id);
    const place = await report.describePlace(index);
    // A retried delivery finds the key revoked by this very leak: handled again (idempotently), not "not live".
    const ours = row.revocationId === revocationIdFor(leakIdFor(place, row.id));
    const live = row.status === 'ACTIVE' && row.expiresAt > now;
    outcomes.push(live || ours ? await actOnLeak(deps, { keyId: row.id, action: report.action, place, now }) : 'not_live');
  }
  return outcomes;
}

async function actOnLeak(deps: LeakDeps, options: { keyId: string; action: LeakAction; place: LeakPlace; now: Date }): Promise<LeakOutcome> {
  const { keyId, action, place } = options;
  const leakId = leakIdFor(place, keyId);
  const input: LeakInput = { leakId, keyId, action, revocationId: action === 'revoke' ? revocationIdFor(leakId) : null, place };
  // Recorded first, with everything needed to finish: a process killed after this line leaves a
  // leak that the next start-up completes (leaks/resumeLeaks.ts), not a key that silently stays live.
  await recordAudit(deps.db, { actorId: LEAK_ACTOR, action: 'key.leaked', targetType: 'key', targetId: keyId, source: leakSource(place), details: { leakId, input }, dedupeKey: `leak:${leakId}` });
  deps.log.info('leaked key found', { leakId, keyId, action, where: place.kind });
  return completeLeak(deps, { input, now: options.now });
}

/** Revokes (in revoke mode) and starts the messages. Idempotent: safe to run again for the same leak. */
export async function completeLeak(deps: LeakDeps, options: { input: LeakInput; now: Date }): Promise<LeakOutcome> {
  const { input } = options;
  if (input.revocationId) {
    const revoked = await commitRevocation(deps.db, {
      revocationId: input.revocationId,
      scope: { kind: 'key', keyId: input.keyId },
      actorId: LEAK_ACTOR,
      reason: leakReason(input.place),
      source: leakSource(input.place),
      via: 'leak',
      now: options.now,
    });
    // Revoked a moment ago by someone else (or by another sighting): not this leak's to report.
    if (revoked.length === 0) return 'not_live';
  }
  await startLeakWorkflow(deps, input);
  return input.revocationId ? 'revoked' : 'reported';
}

function revocationIdFor(leakId: string): string {
  return `${LEAK_REVOCATION_PREFIX}${leakId}`;
}

/** Same place and key, same id: a retried delivery maps to the leak it already handled. */
export function leakIdFor(place: LeakPlace, keyId: string): string {
  if (place.kind === 'slack') return `slack_${place.channelId}_${place.messageTs.replace('.', '_')}_${keyId}`;
  return `github_${keyId}_${createHash('sha256').update(place.url).digest('hex').slice(0, 16)}`;
}

async function startLeakWorkflow(deps: LeakDeps, input: LeakInput): Promise<void> {
  try {
    await deps.temporal.workflow.start(leakWorkflow, {
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      workflowId: leakWorkflowId(input.leakId),
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      args: [input],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    // The revocation stands; only the messages are missing. Logged for on-call to follow up.
    deps.log.error('could not start the messages of a leak', { leakId: input.leakId, keyId: input.keyId, error });
  }
}

/**
 * POST /v1/usage: gateways report what they served with each key. A batch holds up to
 * MAX_USAGE_ENTRIES entries `{keyId | key, status, latencyMs, at}`; each is judged on its own, so
 * one bad entry never costs the rest: good ones are recorded, bad ones come back with their index
 * and why. A full key is hashed and looked up like a verification; it is never kept or logged,
 * and no reason repeats it.
 */
import { z } from 'zod';
import type { Db } from '../db/client';
import { parseKey } from '../domain/keyFormat';
import { keyHashCandidates } from '../domain/keyHash';
import { KEY_ID_RE } from '../domain/ids';
import type { UsageOutcome, UsageRecorder } from './usage';
import type { VerifyDeps } from './verify';
import { lookupKeys } from './verify';
import { yieldToRequests } from '../runtime/yieldToRequests';

export const MAX_USAGE_ENTRIES = 1000;
/** Gateways' clocks drift: a minute ahead is tolerated, more is a bug worth rejecting. */
const FUTURE_SKEW_MS = 60_000;
const MAX_LATENCY_MS = 3_600_000;

const entrySchema = z.strictObject({
  keyId: z.string().max(64).optional(),
  key: z.string().max(512).optional(),
  status: z.number().int().min(100).max(599),
  latencyMs: z.number().min(0).max(MAX_LATENCY_MS),
  at: z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]),
});

export const usageBatchSchema = z.strictObject({ entries: z.array(z.unknown()).min(1).max(MAX_USAGE_ENTRIES) });

export interface UsageIngestDeps {
  db: Db;
  verify: VerifyDeps;
  usage: Pick<UsageRecorder, 'recordOutcome'>;
  /** Entries older than this (the minute resolution's retention) would be pruned at once. */
  maxAgeSeconds: number;
}

export interface UsageIngestResult {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
}

type Judged = { ok: true; ref: { keyId: string } | { keyHashes: string[] }; outcome: Omit<UsageOutcome, 'keyId'> } | { ok: false; reason: string };

/** Entries judged between two yields to the event loop: a full batch takes several ms to judge. */
const JUDGE_SLICE = 100;

export async function ingestUsage(deps: UsageIngestDeps, entries: readonly unknown[]): Promise<UsageIngestResult> {
  const now = deps.verify.clock().getTime();
  // In slices, so the verifications sharing this process are answered meanwhile.
  const judged: Judged[] = [];
  for (let i = 0; i < entries.length; i += JUDGE_SLICE) {
    if (i > 0) await yieldToRequests();
    for (const entry of entries.slice(i, i + JUDGE_SLICE)) judged.push(judgeEntry(entry, { now, deps }));
  }
  const keyIds = [...new Set(judged.flatMap((j) => (j.ok && 'keyId' in j.ref ? [j.ref.keyId] : [])))];
  const hashes = judged.flatMap((j) => (j.ok && 'keyHashes' in j.ref ? j.ref.keyHashes : []));
  // One query for the batch's key ids and one for its full keys, whatever the batch's size.
  const [known, byHash] = await Promise.all([
    keyIds.length === 0 ? new Set<string>() : deps.db.apiKey.findMany({ where: { id: { in: keyIds } }, select: { id: true } }).then((rows) => new Set(rows.map((k) => k.id))),
    lookupKeys(deps.verify, hashes),
  ]);
  const result: UsageIngestResult = { accepted: 0, rejected: [] };
  judged.forEach((j, index) => {
    if (!j.ok) return void result.rejected.push({ index, reason: j.reason });
    const keyId = 'keyId' in j.ref ? (known.has(j.ref.keyId) ? j.ref.keyId : null) : j.ref.keyHashes.map((hash) => byHash.get(hash)?.id).find(Boolean);
    if (!keyId) return void result.rejected.push({ index, reason: 'unknown key: no key in keyops has that id or value' });
    deps.usage.recordOutcome({ keyId, ...j.outcome });
    result.accepted += 1;
  });
  return result;
}

function judgeEntry(entry: unknown, options: { now: number; deps: UsageIngestDeps }): Judged {
  const parsed = entrySchema.safeParse(entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}` };
  }
  const { keyId, key, status, latencyMs } = parsed.data;
  if ((keyId === undefined) === (key === undefined)) return { ok: false, reason: 'give exactly one of keyId or key' };
  const at = new Date(parsed.data.at);
  if (at.getTime() > options.now + FUTURE_SKEW_MS) return { ok: false, reason: 'at: in the future' };
  if (at.getTime() < options.now - options.deps.maxAgeSeconds * 1000) return { ok: false, reason: `at: older than the ${Math.round(options.deps.maxAgeSeconds / 86_400)} days usage is kept per minute` };
  const outcome = { at, status, latencyMs };
  if (keyId !== undefined) {
    if (!KEY_ID_RE.test(keyId)) return { ok: false, reason: 'keyId: not a key id' };
    return { ok: true, ref: { keyId }, outcome };
  }
  const parsedKey = parseKey(key as string);
  if (!parsedKey.ok) return { ok: false, reason: 'key: malformed (wrong shape or checksum)' };
  const { verify } = options.deps;
  return { ok: true, ref: { keyHashes: keyHashCandidates({ key: key as string, secret: verify.keyHashSecret, previous: verify.previousKeyHashSecrets ?? [] }) }, outcome };
}

/**
 * The writes on the path from a submitted modal to the owner's Reveal offer, one SQL statement
 * each: atomic like a transaction, idempotent for a retried activity, and a single round trip.
 * An interactive transaction here cost a BEGIN, a COMMIT and a round trip per step, and Prisma's
 * transaction bookkeeping besides: about 1 ms of CPU and several scheduler waits under load,
 * on the path a person is waiting on.
 *
 * Times are UTC ISO strings cast to `timestamptz`: the Z is read, whatever the session time zone.
 */
import { Prisma } from '../generated/prisma/client';
import { keyRequestWorkflowId, type KeyRequestInput } from '../workflows/keyRequest';
import { auditEachRowOf } from './audit';
import type { Db } from './client';

/** Records the request (its workflow id derived from its id) and its `key.requested` event, once: a retry finds both and adds nothing. */
export async function insertKeyRequest(db: Db, request: KeyRequestInput, now: Date): Promise<void> {
  const rotatedFromId = request.rotatedFromId ?? null;
  const details = {
    name: request.name,
    environment: request.environment,
    scopes: request.scopes,
    lifetimeSeconds: request.lifetimeSeconds,
    needsApproval: request.needsApproval,
    reason: request.reason,
    rotatedFromId,
  };
  const at = now.toISOString();
  await db.$executeRaw`
    WITH recorded AS (
      INSERT INTO key_requests (id, requester_id, name, environment, scopes, lifetime_seconds, reason, status, needs_approval, channel_id, workflow_id, created_at)
      VALUES (${request.requestId}, ${request.requesterId}, ${request.name}, ${request.environment}, ${request.scopes}::text[], ${request.lifetimeSeconds}::int, ${request.reason}::text,
              ${request.needsApproval ? 'PENDING_APPROVAL' : 'APPROVED'}::"RequestStatus", ${request.needsApproval}, ${request.channelId}, ${keyRequestWorkflowId(request.requestId)}, ${at}::timestamptz(3))
      ON CONFLICT (id) DO NOTHING
      RETURNING id
    )
    ${auditEachRowOf('recorded', { actorId: request.requesterId, action: 'key.requested', targetType: 'request', source: request.source, details, dedupePrefix: 'requested:' })}`;
}

/**
 * Creates the key as PENDING_REVEAL for the requester, marks its request FULFILLED (an approved request keeps the
 * time of its approval as decidedAt) and records `key.created`, once.
 */
export async function insertPendingKey(db: Db, key: KeyRequestInput, now: Date): Promise<void> {
  const rotatedFromId = key.rotatedFromId ?? null;
  const details = { requestId: key.requestId, name: key.name, environment: key.environment, scopes: key.scopes, rotatedFromId };
  const at = now.toISOString();
  // Provisional expiry: the lifetime starts when the key is revealed (see revealKey).
  const expiresAt = new Date(now.getTime() + key.lifetimeSeconds * 1000).toISOString();
  await db.$executeRaw`
    WITH created AS (
      INSERT INTO api_keys (id, owner_id, name, environment, scopes, status, created_at, expires_at, request_id, rotated_from_id)
      VALUES (${key.keyId}, ${key.requesterId}, ${key.name}, ${key.environment}, ${key.scopes}::text[], 'PENDING_REVEAL', ${at}::timestamptz(3), ${expiresAt}::timestamptz(3), ${key.requestId}, ${rotatedFromId}::text)
      ON CONFLICT (id) DO NOTHING
      RETURNING id, request_id
    ), fulfilled AS (
      UPDATE key_requests SET status = 'FULFILLED', decided_at = COALESCE(decided_at, ${at}::timestamptz(3))
       WHERE id = (SELECT request_id FROM created)
    )
    ${auditEachRowOf('created', { actorId: key.requesterId, action: 'key.created', targetType: 'key', source: key.source, details, dedupePrefix: 'created:' })}`;
}

/** A key with what delivering it needs from its request: one query for the delivery activities. */
export interface DeliveryKey {
  id: string;
  ownerId: string;
  name: string;
  environment: string;
  scopes: string[];
  status: string;
  maskedKey: string | null;
  expiresAt: Date;
  revealedAt: Date | null;
  revokedBy: string | null;
  revocationId: string | null;
  request: { lifetimeSeconds: number; channelId: string; workflowId: string } | null;
  /** Whether the audit event named by `recorded` in the call exists (a step a retry must not repeat). */
  recorded: boolean;
}

interface DeliveryRow {
  id: string;
  owner_id: string;
  name: string;
  environment: string;
  scopes: string[];
  status: string;
  masked_key: string | null;
  expires_at: Date;
  revealed_at: Date | null;
  revoked_by: string | null;
  revocation_id: string | null;
  lifetime_seconds: number | null;
  channel_id: string | null;
  workflow_id: string | null;
  recorded: boolean;
}

/** Throws when the key does not exist: the delivery activities only run for keys they created. */
export async function loadDeliveryKey(db: Db, keyId: string, options: { recorded?: string } = {}): Promise<DeliveryKey> {
  const key = await findDeliveryKey(db, keyId, options);
  if (!key) throw new Error(`key ${keyId} does not exist`);
  return key;
}

export async function findDeliveryKey(db: Db, keyId: string, options: { recorded?: string } = {}): Promise<DeliveryKey | null> {
  const recorded = options.recorded ? Prisma.sql`EXISTS (SELECT 1 FROM audit_events e WHERE e.dedupe_key = ${options.recorded})` : Prisma.sql`false`;
  const rows = await db.$queryRaw<DeliveryRow[]>`
    SELECT k.id, k.owner_id, k.name, k.environment, k.scopes, k.status::text AS status, k.masked_key, k.expires_at, k.revealed_at, k.revoked_by, k.revocation_id,
           r.lifetime_seconds, r.channel_id, r.workflow_id, ${recorded} AS recorded
      FROM api_keys k LEFT JOIN key_requests r ON r.id = k.request_id
     WHERE k.id = ${keyId}`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    environment: row.environment,
    scopes: row.scopes,
    status: row.status,
    maskedKey: row.masked_key,
    expiresAt: row.expires_at,
    revealedAt: row.revealed_at,
    revokedBy: row.revoked_by,
    revocationId: row.revocation_id,
    request: row.workflow_id === null ? null : { lifetimeSeconds: row.lifetime_seconds ?? 0, channelId: row.channel_id ?? '', workflowId: row.workflow_id },
    recorded: row.recorded,
  };
}

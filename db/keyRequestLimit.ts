/**
 * The hourly creation limit, counted at submit and atomically. Counting the requests recorded so
 * far let parallel submissions through: each saw the count from before any of them, since a
 * request is recorded by its workflow only after the modal has closed.
 *
 * A transaction-scoped advisory lock per requester orders their submissions; each statement of
 * the batch reads a fresh snapshot (READ COMMITTED), so the count after the lock sees every
 * submission accepted before it. Other people never wait on this lock.
 */
import type { Db } from './client';

export type ReserveOutcome = { ok: true } | { ok: false; recent: number };

const HOUR_MS = 3600_000;

/**
 * Counts this submission against `limit` per hour, or refuses it. The same request id again (a
 * double submit, Slack's retry) is allowed without counting twice: its workflow start dedupes it.
 */
export async function reserveKeyRequest(db: Db, input: { requestId: string; requesterId: string; limit: number; now: Date }): Promise<ReserveOutcome> {
  const now = input.now.toISOString();
  const since = new Date(input.now.getTime() - HOUR_MS).toISOString();
  const [, rows] = await db.$transaction([
    db.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`keyops:key-requests:${input.requesterId}`}, 0))::text AS locked`,
    db.$queryRaw<Array<{ recent: number; already: boolean; added: boolean }>>`
      WITH recent AS (
        SELECT count(*)::int AS n, coalesce(bool_or(request_id = ${input.requestId}), false) AS mine
          FROM key_request_submissions
         WHERE requester_id = ${input.requesterId} AND submitted_at > ${since}::timestamptz(3)
      ), added AS (
        INSERT INTO key_request_submissions (request_id, requester_id, submitted_at)
        SELECT ${input.requestId}, ${input.requesterId}, ${now}::timestamptz(3) FROM recent WHERE n < ${input.limit}::int AND NOT mine
        ON CONFLICT (request_id) DO NOTHING
        RETURNING 1
      )
      SELECT n AS recent, mine AS already, EXISTS (SELECT 1 FROM added) AS added FROM recent`,
    db.$executeRaw`DELETE FROM key_request_submissions WHERE requester_id = ${input.requesterId} AND submitted_at <= ${since}::timestamptz(3)`,
  ]);
  const row = rows[0] as { recent: number; already: boolean; added: boolean };
  return row.added || row.already ? { ok: true } : { ok: false, recent: row.recent };
}

/** Gives a reservation back when the request could not be started after all. */
export async function releaseKeyRequest(db: Db, requestId: string): Promise<void> {
  await db.keyRequestSubmission.deleteMany({ where: { requestId } });
}

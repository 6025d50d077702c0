/**
 * What must hold after any fault, checked as a user and a company API would notice it:
 *
 *   - exactly one key or none per request;
 *   - no key shown that verification does not know, and no ACTIVE key that was never shown;
 *   - every shown key hidden again within the display time plus the time keyops was down;
 *   - no message sent twice;
 *   - verification never answers VALID for a revoked or expired key.
 *
 * Returns the violations as sentences (none: the fault was survived).
 */
import { DISPLAY_SECONDS, type FaultStack } from './faultStack';
import { shownKeys } from './journeys';

/** Slack's round trips, a workflow task's retry after a kill, a loaded machine. */
const HIDE_SLACK_MS = 25_000;

export async function checkInvariants(s: FaultStack, o: { users: string[]; downtimeMs: number }): Promise<string[]> {
  const violations: string[] = [];
  const keys = await s.db.apiKey.findMany({ where: { ownerId: { in: o.users } }, select: { id: true, ownerId: true, status: true, requestId: true, revealedAt: true, expiresAt: true } });
  const perRequest = new Map<string, number>();
  for (const k of keys) if (k.requestId) perRequest.set(k.requestId, (perRequest.get(k.requestId) ?? 0) + 1);
  for (const [requestId, n] of perRequest) if (n > 1) violations.push(`request ${requestId} has ${n} keys`);

  const verifiedIds = new Set<string>();
  for (const userId of o.users) {
    const shown = shownKeys(s, userId);
    const distinct = [...new Set(shown.map((k) => k.key))];
    if (distinct.length > 1) violations.push(`${userId} was shown ${distinct.length} different keys`);
    for (const key of distinct) {
      const { status, body } = await s.verify(key);
      const id = typeof body.keyId === 'string' ? body.keyId : null;
      if (id) verifiedIds.add(id);
      const stored = id ? keys.find((k) => k.id === id) : undefined;
      if (!stored) violations.push(`${userId} was shown a key verification does not know (${status} ${String(body.code)})`);
      else if (body.code === 'VALID' && (stored.status !== 'ACTIVE' || (stored.expiresAt && stored.expiresAt.getTime() < Date.now()))) violations.push(`verify answered VALID for a ${stored.status} key`);
    }
    for (const k of shown) {
      const late = (k.hiddenAt ?? Date.now()) - k.shownAt - (DISPLAY_SECONDS * 1000 + o.downtimeMs);
      if (k.hiddenAt === null && late > 0) violations.push(`${userId}'s key is still on screen ${Math.round((Date.now() - k.shownAt) / 1000)} s after it was shown`);
      else if (late > HIDE_SLACK_MS) violations.push(`${userId}'s key was hidden ${Math.round(late / 1000)} s late`);
    }
    violations.push(...duplicates(s, userId));
  }
  for (const k of keys) if (k.status === 'ACTIVE' && !verifiedIds.has(k.id)) violations.push(`key ${k.id} is ACTIVE but its owner was never shown it`);
  return violations;
}

/** Two messages with the same content to one person (ephemeral or in the app's DM). */
function duplicates(s: FaultStack, userId: string): string[] {
  const seen = new Map<string, number>();
  const messages = [...s.fake.ephemeralMessages({ userId, includeDeleted: true }), ...s.fake.messages({ includeDeleted: true }).filter((m) => m.channelId === `D${userId.slice(1)}`)];
  for (const m of messages) {
    const first = m.history[0];
    const content = `${first?.text ?? m.text}\n${JSON.stringify(first?.blocks ?? m.blocks)}`;
    seen.set(content, (seen.get(content) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([content, n]) => `${userId} got the same message ${n} times: "${content.split('\n')[0]?.slice(0, 80)}"`);
}

/** Waits until every key shown to these users has been hidden or can no longer be hidden on time. */
export async function waitForHidden(s: FaultStack, users: string[], downtimeMs: number): Promise<void> {
  const deadline = Date.now() + DISPLAY_SECONDS * 1000 + downtimeMs + HIDE_SLACK_MS + 5000;
  while (Date.now() < deadline) {
    if (users.every((u) => shownKeys(s, u).every((k) => k.hiddenAt !== null))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

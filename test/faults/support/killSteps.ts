/**
 * The moves the kill scenarios are made of: kill and restart a role, arm a fault point, reveal a
 * key, find what a revocation left behind.
 */
import type { FaultPoint } from '../../../runtime/faultPoints';
import type { ArmedFault } from '../../../playground/slack';
import type { FaultStack, Role } from './faultStack';
import { clickReveal, waitForOffer, waitForShownKey } from './journeys';

export const roleOf = (s: FaultStack, target: 'slack' | 'worker'): Role => (target === 'slack' ? s.slackRole : s.workerRole);

/** Kills the role, starts it again, and says how long it was gone. */
export async function restart(s: FaultStack, role: Role): Promise<{ killedAt: number; downtimeMs: number }> {
  const killedAt = await s.kill(role);
  await s.start(role);
  return { killedAt, downtimeMs: Date.now() - killedAt };
}

/** Restarts the role with a fault point armed (the step under test stops there). */
export async function arm(s: FaultStack, role: Role, point: FaultPoint): Promise<void> {
  await s.kill(role);
  await s.start(role, { faultPoint: point });
}

export async function revealAndWait(s: FaultStack, userId: string): Promise<number> {
  await clickReveal(s, userId, await waitForOffer(s, userId));
  return waitForShownKey(s, userId);
}

export async function activeKeyOf(s: FaultStack, userId: string): Promise<string> {
  const key = await s.db.apiKey.findFirstOrThrow({ where: { ownerId: userId, status: 'ACTIVE' }, select: { id: true } });
  return key.id;
}

export function revocationNotice(s: FaultStack, userId: string): ReturnType<FaultStack['fake']['messages']>[number] | undefined {
  return s.fake.messages({ channelId: `D${userId.slice(1)}` }).find((m) => /revoked/i.test(m.text));
}

/** Resolves once the user's reveal is in the audit log, i.e. the reveal step finished. */
export async function revealRecorded(s: FaultStack, userId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const key = await s.db.apiKey.findFirst({ where: { ownerId: userId, status: 'ACTIVE' }, select: { id: true } });
    if (key && (await s.db.auditEvent.findFirst({ where: { action: 'key.revealed', targetId: key.id }, select: { id: true } }))) return;
    if (Date.now() > deadline) throw new Error(`${userId}'s reveal was never recorded`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves with the moment the owner's revocation notice was recorded as sent (the audit row). */
export async function revocationNoticeRecorded(s: FaultStack, userId: string): Promise<number> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const row = await s.db.auditEvent.findFirst({ where: { action: 'key.revocation_notified', targetId: userId }, select: { at: true } });
    if (row) return row.at.getTime();
    if (Date.now() > deadline) throw new Error(`${userId}'s revocation notice was never recorded`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once the approver's and the requester's messages are recorded (posting is one step, recording the next). */
export async function approvalMessagesRecorded(s: FaultStack, requesterId: string, approverId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const recorded = async (): Promise<boolean> => {
    const rows = await s.db.approvalMessage.findMany({ where: { recipientId: { in: [approverId, requesterId] }, request: { requesterId } }, select: { recipientId: true } });
    return new Set(rows.map((r) => r.recipientId)).size === 2;
  };
  while (!(await recorded())) {
    if (Date.now() > deadline) throw new Error(`the approval message to ${approverId} was never recorded`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The moment an armed fault was first hit; fails, rather than waiting forever, when nothing calls it. */
export function hitWithin(armed: ArmedFault, ms = 90_000): Promise<number> {
  return Promise.race([armed.hit, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`nothing called ${armed.target} within ${ms / 1000} s`)), ms))]);
}

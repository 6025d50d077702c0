/**
 * Lifecycle and rotation activities are retried by Temporal: each must leave one change, one audit
 * event and one message however often it runs, and must re-read the key rather than trust the
 * workflow's memory. Real PostgreSQL, the real WebClient against the fake Slack.
 */
import { loadPolicy } from '../../config/policyFile';
import { useActivityEnv } from '../support/activityEnv';
import { seedKeys, type SeedKeyOptions, type SeededKey } from '../support/seedKeys';

const { policy } = loadPolicy(undefined);
const SECRET = 'x'.repeat(32);
const DAY = 86_400_000;
const env = useActivityEnv({ policy, keyHashSecret: SECRET });

let n = 0;
async function key(options: Partial<SeedKeyOptions> = {}): Promise<SeededKey & { ownerId: string }> {
  n += 1;
  const ownerId = `U0LIFE${n}`;
  const [seeded] = await seedKeys(env.db, { policy, keyHashSecret: SECRET, keys: [{ ownerId, name: `life ${n}`, ...options }] });
  return { ...(seeded as SeededKey), ownerId };
}

const dmsTo = (userId: string) => env.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId.slice(1)}`);
const audits = (keyId: string, action: string) => env.db.auditEvent.count({ where: { targetId: keyId, action } });

describe('lifecycle activities, retried', () => {
  it('send an expiry notice once, and none for an expiry that moved meanwhile', async () => {
    const k = await key({ expiresAt: new Date(Date.now() + 3 * DAY) });
    const { expiresAt } = await env.db.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    for (let i = 0; i < 3; i++) await env.activities.sendExpiryNotice({ keyId: k.id, expiresAtMs: expiresAt.getTime(), beforeSeconds: 3 * 86400 });
    expect(dmsTo(k.ownerId)).toHaveLength(1);
    expect(await audits(k.id, 'key.expiry_notice_sent')).toBe(1);
    const facts = await env.activities.sendExpiryNotice({ keyId: k.id, expiresAtMs: expiresAt.getTime() - DAY, beforeSeconds: 86400 });
    expect(dmsTo(k.ownerId)).toHaveLength(1);
    expect(facts?.expiresAtMs).toBe(expiresAt.getTime());
  });

  it('expire a key once, at its time and not before', async () => {
    const early = await key({ expiresAt: new Date(Date.now() + DAY) });
    const notYet = await env.activities.expireKey({ keyId: early.id, expiresAtMs: Date.now() - 1000 });
    expect(notYet?.status).toBe('ACTIVE');
    const due = await key({ expiresAt: new Date(Date.now() - 1000) });
    for (let i = 0; i < 3; i++) await env.activities.expireKey({ keyId: due.id, expiresAtMs: Date.now() - 1000 });
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: due.id } })).status).toBe('EXPIRED');
    expect(dmsTo(due.ownerId)).toHaveLength(1);
    expect(await audits(due.id, 'key.expired')).toBe(1);
  });

  it('ask about an unused key once per period, and not about one used since', async () => {
    const used = await key({ lastUsedAt: new Date(), createdAt: new Date(Date.now() - 100 * DAY) });
    expect((await env.activities.checkKeyUsage({ keyId: used.id, dueAtMs: Date.now() }))?.unusedNoticeAtMs).toBeNull();
    const idle = await key({ lastUsedAt: new Date(Date.now() - 91 * DAY), createdAt: new Date(Date.now() - 100 * DAY) });
    for (let i = 0; i < 3; i++) await env.activities.checkKeyUsage({ keyId: idle.id, dueAtMs: Date.now() });
    expect(dmsTo(used.ownerId)).toHaveLength(0);
    expect(dmsTo(idle.ownerId)).toHaveLength(1);
    expect(await audits(idle.id, 'key.unused_notice_sent')).toBe(1);
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: idle.id } })).unusedNoticeAt).not.toBeNull();
  });

  it('extend once per extension, and refuse (and audit) what the policy does not allow', async () => {
    const k = await key({ expiresAt: new Date(Date.now() + 2 * DAY) });
    for (let i = 0; i < 3; i++) await env.activities.extendKeyExpiry({ keyId: k.id, extensionId: `ext-${k.id}`, actorId: k.ownerId, lifetimeSeconds: 30 * 86400, replyTo: null });
    const { expiresAt } = await env.db.apiKey.findUniqueOrThrow({ where: { id: k.id } });
    expect(Math.abs(expiresAt.getTime() - (Date.now() + 30 * DAY))).toBeLessThan(60_000);
    expect(await audits(k.id, 'key.extended')).toBe(1);
    expect(dmsTo(k.ownerId).filter((c) => String(c.args.text).startsWith('Extended'))).toHaveLength(1);

    const prod = await key({ environment: 'production', expiresAt: new Date(Date.now() + 2 * DAY) });
    await env.activities.extendKeyExpiry({ keyId: prod.id, extensionId: `ext-${prod.id}`, actorId: prod.ownerId, lifetimeSeconds: 30 * 86400, replyTo: null });
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: prod.id } })).expiresAt.getTime()).toBeLessThan(Date.now() + 3 * DAY);
    expect(await audits(prod.id, 'key.extend_refused')).toBe(1);
  });

  it('end a rotation by revoking the old key once, through the shared revocation statement', async () => {
    const old = await key();
    const [fresh] = await seedKeys(env.db, { policy, keyHashSecret: SECRET, keys: [{ ownerId: old.ownerId, name: old.name }] });
    await env.db.apiKey.update({ where: { id: fresh?.id }, data: { rotatedFromId: old.id } });
    await env.activities.beginRotationGrace({ keyId: old.id, newKeyId: fresh?.id as string, graceSeconds: 3600 });
    for (let i = 0; i < 3; i++) await env.activities.finishRotation({ keyId: old.id, newKeyId: fresh?.id as string, actorId: 'system', why: 'grace_ended', replyTo: null });
    const stored = await env.db.apiKey.findUniqueOrThrow({ where: { id: old.id } });
    expect(stored).toMatchObject({ status: 'REVOKED', revokedBy: 'system', revocationId: `rotation:${fresh?.id}`, graceEndsAt: null });
    expect(await audits(old.id, 'key.revoked')).toBe(1);
    expect(await audits(old.id, 'key.rotation_finished')).toBe(1);
    expect(dmsTo(old.ownerId).filter((c) => String(c.args.text).includes('done'))).toHaveLength(1);
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: fresh?.id } })).status).toBe('ACTIVE');
  });
});

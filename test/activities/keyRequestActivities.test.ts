/**
 * Activities are retried by Temporal: each must leave exactly one row, one audit event and one
 * Slack message however often it runs. Real PostgreSQL, real WebClient against the fake Slack.
 */
import type { Activities } from '../../activities';
import { loadPolicy } from '../../config/policyFile';
import type { Db } from '../../db/client';
import { sealUrl } from '../../domain/sealedUrl';
import { startActivityEnv, type ActivityEnv } from '../support/activityEnv';
import type { FakeSlack } from '../support/fakeSlack';
import type { KeyRequestInput } from '../../workflows/keyRequest';

const { policy } = loadPolicy(undefined);
const SECRET = 'x'.repeat(32);
let env: ActivityEnv;
let db: Db;
let fake: FakeSlack;
let activities: Activities;

beforeAll(async () => {
  env = await startActivityEnv({ policy, keyHashSecret: SECRET });
  ({ db, fake, activities } = env);
});
afterAll(async () => {
  await env.stop();
});

let n = 0;
function input(): KeyRequestInput {
  n += 1;
  return { requestId: `kr_act${n}`, keyId: `key_act${String(n).padStart(13, '0')}`, requesterId: `U0ACT${n}`, channelId: 'C0ACT', name: `key ${n}`, environment: 'test', scopes: ['read'], lifetimeSeconds: 86400, reason: null, needsApproval: false, revealWindowSeconds: 3600, displaySeconds: 120, source: 'test' };
}

describe('key request activities, retried', () => {
  const offersTo = (userId: string) => fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === userId);

  it('record one request, one pending key, its audit events and one Reveal offer, however often the step runs', async () => {
    const i = input();
    for (let attempt = 0; attempt < 3; attempt++) await activities.createAndOfferKey(i);
    expect(await db.keyRequest.findUniqueOrThrow({ where: { id: i.requestId } })).toMatchObject({ status: 'FULFILLED', needsApproval: false, workflowId: `key-request-${i.requestId}` });
    expect(await db.apiKey.findMany({ where: { requestId: i.requestId } })).toEqual([expect.objectContaining({ id: i.keyId, status: 'PENDING_REVEAL', keyHash: null })]);
    const audited = await db.auditEvent.findMany({ where: { targetId: { in: [i.requestId, i.keyId] } }, orderBy: { id: 'asc' } });
    expect(audited.map((e) => e.action)).toEqual(['key.requested', 'key.created', 'key.reveal_offered']);
    expect(offersTo(i.requesterId)).toHaveLength(1);
  });

  it('create and offer the key of an approved request, keeping the request as it was recorded', async () => {
    const i = { ...input(), needsApproval: true, reason: 'launch' };
    await activities.recordKeyRequest(i);
    const decidedAt = new Date('2026-11-01T10:00:00Z');
    await db.keyRequest.update({ where: { id: i.requestId }, data: { status: 'APPROVED', decidedAt } });
    await activities.createAndOfferKey(i);
    await activities.createAndOfferKey(i);
    expect(await db.keyRequest.findUniqueOrThrow({ where: { id: i.requestId } })).toMatchObject({ status: 'FULFILLED', needsApproval: true, reason: 'launch', decidedAt });
    expect(await db.auditEvent.count({ where: { action: 'key.requested', targetId: i.requestId } })).toBe(1);
    expect(offersTo(i.requesterId)).toHaveLength(1);
  });

  it('still run the three steps of requests started before they became one, once each', async () => {
    const i = input();
    for (let attempt = 0; attempt < 2; attempt++) {
      await activities.recordKeyRequest(i);
      await activities.createPendingKey(i);
      await activities.offerReveal({ keyId: i.keyId, channelId: i.channelId });
    }
    expect(await db.keyRequest.count({ where: { id: i.requestId, status: 'FULFILLED' } })).toBe(1);
    expect(await db.apiKey.count({ where: { requestId: i.requestId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { targetId: { in: [i.requestId, i.keyId] } } })).toBe(3);
    expect(offersTo(i.requesterId)).toHaveLength(1);
  });

  it('do not offer a key that was revoked before its offer went out', async () => {
    const i = input();
    await activities.recordKeyRequest(i);
    await activities.createPendingKey(i);
    await db.apiKey.update({ where: { id: i.keyId }, data: { status: 'REVOKED', revokedBy: 'U0ONCALL', revokedAt: new Date() } });
    await activities.offerReveal({ keyId: i.keyId, channelId: i.channelId });
    expect(offersTo(i.requesterId)).toHaveLength(0);
  });

  it('offer the key in the app\'s DM when Slack refuses an ephemeral message in that channel', async () => {
    const i = input();
    fake.failNext('chat.postEphemeral', 'channel_not_found');
    await activities.createAndOfferKey(i);
    const dm = fake.messages().find((m) => m.text.includes(`"${i.name}" is ready`));
    expect(dm?.channelId).toMatch(/^D/);
  });

  it('keep one key when the reveal is retried after Slack accepted it, and mint none when Slack refused', async () => {
    const i = input();
    await activities.createAndOfferKey(i);
    const url = fake.createResponseUrl({ channelId: i.channelId, userId: i.requesterId });
    const first = await activities.revealKey({ keyId: i.keyId, responseUrl: sealUrl(url, SECRET), clickerId: i.requesterId });
    const hash = (await db.apiKey.findUniqueOrThrow({ where: { id: i.keyId } })).keyHash;
    const again = await activities.revealKey({ keyId: i.keyId, responseUrl: sealUrl(url, SECRET), clickerId: i.requesterId });
    expect(again).toEqual(first);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: i.keyId } })).keyHash).toBe(hash);
    expect(fake.responses.filter((r) => r.url === url)).toHaveLength(1);

    const other = input();
    await activities.createAndOfferKey(other);
    const spent = fake.createResponseUrl({ channelId: other.channelId, userId: other.requesterId });
    fake.advanceClock(31 * 60 * 1000); // response_urls live 30 minutes
    expect(await activities.revealKey({ keyId: other.keyId, responseUrl: sealUrl(spent, SECRET), clickerId: other.requesterId })).toEqual({ outcome: 'DELIVERY_FAILED' });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: other.keyId } })).toMatchObject({ status: 'PENDING_REVEAL', keyHash: null, revealedAt: null });
    expect(fake.ephemeralMessages({ userId: other.requesterId }).some((m) => m.text.includes('Click Reveal key again'))).toBe(true);
  });
});

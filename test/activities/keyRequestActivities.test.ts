/**
 * Activities are retried by Temporal: each must leave exactly one row, one audit event and one
 * Slack message however often it runs. Real PostgreSQL, real WebClient against the fake Slack.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { loadPolicy } from '../../config/policyFile';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sealUrl } from '../../domain/sealedUrl';
import type { KeyRequestInput } from '../../workflows/keyRequest';
import { useActivityEnv } from '../support/activityEnv';

const { policy } = loadPolicy(undefined);
const SECRET = 'x'.repeat(32);
const env = useActivityEnv({ policy, keyHashSecret: SECRET });

/** Sealed as the bot seals the owner's click on the key's Reveal button. */
const sealClick = (url: string, i: KeyRequestInput, secret = SECRET) => sealUrl(url, secret, { purpose: 'reveal', workflowId: `key-request-${i.requestId}`, clickerId: i.requesterId });

let n = 0;
function input(): KeyRequestInput {
  n += 1;
  return { requestId: `kr_act${n}`, keyId: `key_act${String(n).padStart(13, '0')}`, requesterId: `U0ACT${n}`, channelId: 'C0ACT', name: `key ${n}`, environment: 'test', scopes: ['read'], lifetimeSeconds: 86400, reason: null, needsApproval: false, revealWindowSeconds: 3600, displaySeconds: 120, source: 'test' };
}

describe('key request activities, retried', () => {
  const offersTo = (userId: string) => env.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === userId);

  it('record one request, one pending key, its audit events and one Reveal offer, however often the step runs', async () => {
    const i = input();
    for (let attempt = 0; attempt < 3; attempt++) await env.activities.createAndOfferKey(i);
    expect(await env.db.keyRequest.findUniqueOrThrow({ where: { id: i.requestId } })).toMatchObject({ status: 'FULFILLED', needsApproval: false, workflowId: `key-request-${i.requestId}` });
    expect(await env.db.apiKey.findMany({ where: { requestId: i.requestId } })).toEqual([expect.objectContaining({ id: i.keyId, status: 'PENDING_REVEAL', keyHash: null })]);
    const audited = await env.db.auditEvent.findMany({ where: { targetId: { in: [i.requestId, i.keyId] } }, orderBy: { id: 'asc' } });
    expect(audited.map((e) => e.action)).toEqual(['key.requested', 'key.created', 'key.reveal_offered']);
    expect(offersTo(i.requesterId)).toHaveLength(1);
  });

  it('create and offer the key of an approved request, keeping the request as it was recorded', async () => {
    const i = { ...input(), needsApproval: true, reason: 'launch' };
    await env.activities.recordKeyRequest(i);
    const decidedAt = new Date('2026-11-01T10:00:00Z');
    await env.db.keyRequest.update({ where: { id: i.requestId }, data: { status: 'APPROVED', decidedAt } });
    await env.activities.createAndOfferKey(i);
    await env.activities.createAndOfferKey(i);
    expect(await env.db.keyRequest.findUniqueOrThrow({ where: { id: i.requestId } })).toMatchObject({ status: 'FULFILLED', needsApproval: true, reason: 'launch', decidedAt });
    expect(await env.db.auditEvent.count({ where: { action: 'key.requested', targetId: i.requestId } })).toBe(1);
    expect(offersTo(i.requesterId)).toHaveLength(1);
  });

  it('still run the three steps of requests started before they became one, once each', async () => {
    const i = input();
    for (let attempt = 0; attempt < 2; attempt++) {
      await env.activities.recordKeyRequest(i);
      await env.activities.createPendingKey(i);
      await env.activities.offerReveal({ keyId: i.keyId, channelId: i.channelId });
    }
    expect(await env.db.keyRequest.count({ where: { id: i.requestId, status: 'FULFILLED' } })).toBe(1);
    expect(await env.db.apiKey.count({ where: { requestId: i.requestId } })).toBe(1);
    expect(await env.db.auditEvent.count({ where: { targetId: { in: [i.requestId, i.keyId] } } })).toBe(3);
    expect(offersTo(i.requesterId)).toHaveLength(1);
  });

  it('do not offer a key that was revoked before its offer went out', async () => {
    const i = input();
    await env.activities.recordKeyRequest(i);
    await env.activities.createPendingKey(i);
    await env.db.apiKey.update({ where: { id: i.keyId }, data: { status: 'REVOKED', revokedBy: 'U0ONCALL', revokedAt: new Date() } });
    await env.activities.offerReveal({ keyId: i.keyId, channelId: i.channelId });
    expect(offersTo(i.requesterId)).toHaveLength(0);
  });

  it('offer the key in the app\'s DM when Slack refuses an ephemeral message in that channel', async () => {
    const i = input();
    env.fake.failNext('chat.postEphemeral', 'channel_not_found');
    await env.activities.createAndOfferKey(i);
    const dm = env.fake.messages().find((m) => m.text.includes(`"${i.name}" is ready`));
    expect(dm?.channelId).toMatch(/^D/);
  });

  it('refuse, without retrying and without minting, a response_url sealed under another secret', async () => {
    const i = input();
    await env.activities.createAndOfferKey(i);
    const url = env.fake.createResponseUrl({ channelId: i.channelId, userId: i.requesterId });
    const failure = await env.activities.revealKey({ keyId: i.keyId, responseUrl: sealClick(url, i, 'y'.repeat(32)), clickerId: i.requesterId }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect(await env.db.apiKey.findUniqueOrThrow({ where: { id: i.keyId } })).toMatchObject({ status: 'PENDING_REVEAL', keyHash: null });
    expect(env.fake.responses.filter((r) => r.url === url)).toHaveLength(0);
  });

  it('refuse, before minting, a URL that keyops did not seal for this click, or one that is not Slack\'s', async () => {
    const hits: string[] = [];
    const attacker = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const stealAt = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/steal`;
    try {
      const i = input();
      const victim = input();
      await env.activities.createAndOfferKey(i);
      await env.activities.createAndOfferKey(victim);
      const url = env.fake.createResponseUrl({ channelId: i.channelId, userId: i.requesterId });
      const attempts = [
        { responseUrl: stealAt, clickerId: i.requesterId },
        { responseUrl: stealAt, clickerId: i.requesterId, legacy: true },
        { responseUrl: 'https://hooks.slack.com/actions/T0/1/x', clickerId: i.requesterId },
        // Sealed by keyops, but for another key's click, or for someone else's click.
        { responseUrl: sealClick(url, victim), clickerId: i.requesterId },
        { responseUrl: sealUrl(url, SECRET, { purpose: 'reveal', workflowId: `key-request-${i.requestId}`, clickerId: 'U0MALLORY' }), clickerId: 'U0MALLORY' },
        // Sealed for this click, but pointing at another host: respond() posts only to Slack.
        { responseUrl: sealClick(stealAt, i), clickerId: i.requesterId },
      ];
      for (const attempt of attempts) {
        const failure = await env.activities.revealKey({ keyId: i.keyId, ...attempt } as never).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect((failure as ApplicationFailure).nonRetryable).toBe(true);
      }
      expect(await env.db.apiKey.findUniqueOrThrow({ where: { id: i.keyId } })).toMatchObject({ status: 'PENDING_REVEAL', keyHash: null });
      expect(hits).toEqual([]);
      expect(env.fake.responses.filter((r) => r.url === url)).toHaveLength(0);
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
  });

  it('keep one key when the reveal is retried after Slack accepted it, and mint none when Slack refused', async () => {
    const i = input();
    await env.activities.createAndOfferKey(i);
    const url = env.fake.createResponseUrl({ channelId: i.channelId, userId: i.requesterId });
    const first = await env.activities.revealKey({ keyId: i.keyId, responseUrl: sealClick(url, i), clickerId: i.requesterId });
    const hash = (await env.db.apiKey.findUniqueOrThrow({ where: { id: i.keyId } })).keyHash;
    expect(hash).toMatch(/^k[0-9a-f]{8}\$[0-9a-f]{64}$/); // named by the secret's id, so the secret can be rotated
    const again = await env.activities.revealKey({ keyId: i.keyId, responseUrl: sealClick(url, i), clickerId: i.requesterId });
    expect(again).toEqual(first);
    expect((await env.db.apiKey.findUniqueOrThrow({ where: { id: i.keyId } })).keyHash).toBe(hash);
    expect(env.fake.responses.filter((r) => r.url === url)).toHaveLength(1);

    const other = input();
    await env.activities.createAndOfferKey(other);
    const spent = env.fake.createResponseUrl({ channelId: other.channelId, userId: other.requesterId });
    env.fake.advanceClock(31 * 60 * 1000); // response_urls live 30 minutes
    expect(await env.activities.revealKey({ keyId: other.keyId, responseUrl: sealClick(spent, other), clickerId: other.requesterId })).toEqual({ outcome: 'DELIVERY_FAILED' });
    expect(await env.db.apiKey.findUniqueOrThrow({ where: { id: other.keyId } })).toMatchObject({ status: 'PENDING_REVEAL', keyHash: null, revealedAt: null });
    expect(env.fake.ephemeralMessages({ userId: other.requesterId }).some((m) => m.text.includes('Click Reveal key again'))).toBe(true);
  });
});

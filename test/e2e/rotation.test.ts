/**
 * Rotation end to end: `/apikey rotate <key>` or the Rotate button, the new key delivered through
 * Reveal key, a grace period from the reveal during which both keys verify, and its end: the old
 * key verifies REVOKED and the new one VALID. Cancel and Revoke old now from the owner's DM.
 * Grace periods are seconds long here (the policy's options are overridden).
 */
import { RotateBlocks } from '../../bot/ids';
import { createKeyLifecycles } from '../../temporal/keyLifecycles';
import { approverMessage, revealOffer } from '../support/approvalJourney';
import { eventually } from '../support/eventually';
import type { FakeMessage } from '../../playground/slack';
import { KEY_HASH_SECRET, startHarness, type Harness } from '../support/keyopsHarness';
import { seedKeys, type SeededKey } from '../support/seedKeys';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ displaySeconds: 2, policy: (p) => ({ ...p, rotation: { graceOptions: [8, 3600], defaultGrace: 3600 } }), usergroups: { S0PLATFORM: ['U0ROTAPPROVER'] } });
});
afterAll(async () => {
  await h?.stop();
});

const KEY_RE = /ko_(?:test|live)_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;

async function activeKey(ownerId: string, options: { environment?: string } = {}): Promise<SeededKey> {
  const [key] = await seedKeys(h.db, { policy: h.policy, keyHashSecret: KEY_HASH_SECRET, keys: [{ ownerId, name: `Rotated for ${ownerId}`, ...options }] });
  await createKeyLifecycles({ client: h.temporal.client }).ensureStarted((key as SeededKey).id);
  return key as SeededKey;
}

/** Submits the open Rotate modal with a grace period, then reveals the new key; returns it. */
async function rotateAndReveal(userId: string, grace: '8s' | '1h'): Promise<{ key: string; offer: FakeMessage }> {
  const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
  expect(JSON.stringify(modal.blocks)).toContain('Grace period');
  const submitted = await h.driver.submitView({ userId, view: modal, values: { [RotateBlocks.grace]: grace } });
  expect(submitted.json ?? {}).toEqual({});
  const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')), { timeoutMs: 20_000 });
  await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
  const shown = await h.fake.waitFor(() => offer.history.map((v) => JSON.stringify(v.blocks).match(KEY_RE)?.[0]).find(Boolean));
  return { key: shown as string, offer };
}

/** A message in the owner's DM with keyops about their key (each test's owner has its own key name). */
const dm = (userId: string, text: string) => h.fake.waitFor(() => h.fake.messages().find((m) => m.text.includes(`Rotated for ${userId}`) && m.text.includes(text)), { timeoutMs: 30_000 });

describe('rotation', () => {
  it('delivers a new key once; both verify during the grace; at its end the old one is REVOKED and the new one VALID', async () => {
    const userId = 'U0ROTATE';
    const old = await activeKey(userId);
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: `rotate ${old.maskedKey}` });
    const { key: fresh } = await rotateAndReveal(userId, '8s');
    expect(fresh).not.toBe(old.key);
    expect(await h.verify(old.key)).toMatchObject({ valid: true, code: 'VALID' });
    expect(await h.verify(fresh)).toMatchObject({ valid: true, code: 'VALID', owner: userId, environment: 'test' });

    await dm(userId, 'the new key is live');
    const check = await dm(userId, 'the old key is revoked at');
    // The old key was used a moment ago (the verify above): the check says so, in the last hour.
    expect(JSON.stringify(check.blocks)).toContain('(in the last hour)');
    await dm(userId, 'done: the old key is revoked');
    await eventually(async () => (await h.verify(old.key)).code === 'REVOKED', { what: 'the old key to be revoked', timeoutMs: 30_000 });
    expect(await h.verify(fresh)).toMatchObject({ valid: true, code: 'VALID' });

    const replacement = await h.db.apiKey.findFirstOrThrow({ where: { rotatedFromId: old.id } });
    expect(replacement).toMatchObject({ status: 'ACTIVE', name: old.name, environment: 'test', scopes: ['read'] });
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: old.id } })).revokedReason).toContain('rotation');
    const actions = (await h.db.auditEvent.findMany({ where: { targetId: old.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['key.rotation_started', 'key.rotation_grace_started', 'key.rotation_owner_told', 'key.rotation_check_sent', 'key.revoked', 'key.rotation_finished']);
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.revoked', targetId: old.id } })).toMatchObject({ details: expect.objectContaining({ via: 'rotation' }) });
    // The plaintext of the new key went nowhere but the one reveal.
    expect(h.fake.responses.filter((r) => JSON.stringify(r.body).includes(fresh))).toHaveLength(1);
    expect(h.logs.join('\n')).not.toContain(fresh);
  });

  it('on Cancel rotation keeps the old key and revokes the new one', async () => {
    const userId = 'U0ROTCANCEL';
    const old = await activeKey(userId);
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'list' });
    const list = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Your keys')));
    await h.driver.clickButtonInMessage({ userId, message: list, actionText: 'Rotate' });
    const { key: fresh } = await rotateAndReveal(userId, '1h');
    const started = await dm(userId, 'the new key is live');
    await h.driver.clickButtonInMessage({ userId, message: started, actionText: 'Cancel rotation' });
    await h.fake.waitFor(() => started.text.includes('cancelled'), { timeoutMs: 20_000 });
    expect(await h.verify(fresh)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await h.verify(old.key)).toMatchObject({ valid: true, code: 'VALID' });
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: old.id } })).graceEndsAt).toBeNull();
  });

  it('on Revoke old now revokes the old key at once', async () => {
    const userId = 'U0ROTEARLY';
    const old = await activeKey(userId);
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: `rotate ${old.id}` });
    const { key: fresh } = await rotateAndReveal(userId, '1h');
    const started = await dm(userId, 'the new key is live');
    await h.driver.clickButtonInMessage({ userId, message: started, actionText: 'Revoke old now' });
    await eventually(async () => (await h.verify(old.key)).code === 'REVOKED', { what: 'the old key to be revoked', timeoutMs: 20_000 });
    expect(await h.verify(fresh)).toMatchObject({ valid: true, code: 'VALID' });
    await h.fake.waitFor(() => started.text.includes('done'));
  });

  it('refuses someone else\'s key, and an unreadable reference, without opening anything', async () => {
    const old = await activeKey('U0ROTOWNER');
    const refused = await h.driver.sendCommand({ userId: 'U0ROTOTHER', channelId: 'C0GENERAL', text: `rotate ${old.id}` });
    expect(refused.status).toBe(200);
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0ROTOTHER' }).find((m) => m.text.includes('No key of yours')));
    await h.driver.sendCommand({ userId: 'U0ROTOTHER', channelId: 'C0GENERAL', text: 'rotate not-a-key' });
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0ROTOTHER' }).find((m) => m.text.includes('cannot read that as a key')));
    expect(h.fake.openViewFor('U0ROTOTHER')).toBeUndefined();
  });

  it('follows the approval policy: a production key\'s new key waits for an approver, then rotates as usual', async () => {
    const userId = 'U0ROTPROD';
    const old = await activeKey(userId, { environment: 'production' });
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: `rotate ${old.id}` });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    expect(JSON.stringify(modal.blocks)).toContain('needs an approver');
    await h.driver.submitView({ userId, view: modal, values: { [RotateBlocks.grace]: '1h' } });
    const request = await eventually(() => h.db.keyRequest.findFirst({ where: { requesterId: userId, status: 'PENDING_APPROVAL' } }), { what: 'the approval request', timeoutMs: 15_000 });
    // Nothing new is usable before an approver says yes; the old key keeps working.
    expect(await h.db.apiKey.count({ where: { rotatedFromId: old.id } })).toBe(0);
    expect(await h.verify(old.key)).toMatchObject({ valid: true, code: 'VALID' });

    const ask = await approverMessage(h, 'U0ROTAPPROVER', request.id);
    expect(ask.text).toContain(old.name);
    await h.driver.clickButtonInMessage({ userId: 'U0ROTAPPROVER', message: ask, actionText: 'Approve' });
    const offer = await revealOffer(h, userId);
    await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    await dm(userId, 'the new key is live');
    const replacement = await h.db.apiKey.findFirstOrThrow({ where: { rotatedFromId: old.id } });
    expect(replacement).toMatchObject({ status: 'ACTIVE', environment: 'production' });
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: old.id } })).graceEndsAt).not.toBeNull();
  });
});

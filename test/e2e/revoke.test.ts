/**
 * Revocation from Slack end to end: `/apikey revoke …` → confirmation modal → reason → revoked,
 * verify answers REVOKED, the owner is told, the audit log has it. Real Bolt, PostgreSQL and
 * Temporal; Slack faked at its API. On-call is a Slack user group, as in the example policy.
 */
import { ActionIds, CallbackIds, RevokeBlocks } from '../../bot/ids';
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { phaseQuery } from '../../workflows/keyRequest';
import type { FakeMessage, FakeView } from '../../playground/slack';
import { dmChannelFor } from '../../playground/slack/ids';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/keyopsHarness';

const ONCALL = 'U0PAGER1';
const ADMIN = 'U0ADMIN'; // listed directly in the example policy
const CHANNEL = 'C0INCIDENT';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.fake.setUsergroup('S0ONCALL', [ONCALL]);
});
afterAll(async () => {
  await h?.stop();
});

let userSeq = 0;
const newUser = (): string => `U0REV${String(++userSeq).padStart(3, '0')}`;

/** Sends `/apikey revoke <text>` and returns the modal it opened. */
async function openRevoke(userId: string, text: string): Promise<FakeView> {
  const before = h.fake.openViewFor(userId)?.id;
  const ack = await h.driver.sendCommand({ userId, channelId: CHANNEL, text: `revoke ${text}` });
  expect(ack.status).toBe(200);
  return h.fake.waitFor(() => {
    const view = h.fake.openViewFor(userId);
    return view && view.id !== before && view.callbackId === CallbackIds.revokeKeys ? view : undefined;
  });
}

/** Sends `/apikey revoke <text>` and returns the new ephemeral answer, which must contain `expected`. */
async function revokeReply(userId: string, text: string, expected: string): Promise<FakeMessage> {
  const seen = new Set(h.fake.ephemeralMessages({ userId }).map((m) => m.id));
  await h.driver.sendCommand({ userId, channelId: CHANNEL, text: `revoke ${text}` });
  const reply = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => !seen.has(m.id)));
  expect(reply.text).toContain(expected);
  return reply;
}

async function confirm(userId: string, view: FakeView, reason = 'Pasted in #general by mistake', extra: Record<string, unknown> = {}): Promise<FakeView> {
  const result = await h.driver.submitView({ userId, view, values: { [RevokeBlocks.reason]: reason, ...extra } });
  expect(result.json).toMatchObject({ response_action: 'update' });
  return h.fake.openViewFor(userId) as FakeView;
}

const verifyCode = async (key: string): Promise<unknown> => (await h.verify(key)).code;
/** The promise: every API process answers REVOKED within a second of the confirmation. */
const expectRevokedWithinASecond = (key: string): Promise<unknown> => eventually(async () => (await verifyCode(key)) === 'REVOKED', { timeoutMs: 1000, what: `${key.slice(0, 8)}… to verify as REVOKED` });

const text = (view: FakeView | FakeMessage): string => JSON.stringify(view.blocks);
const dmsTo = (userId: string): FakeMessage[] => h.fake.messages({ channelId: dmChannelFor(userId) });

describe('/apikey revoke <key>', () => {
  it('revokes the owner\'s key by id after showing what it is and asking why', async () => {
    const owner = newUser();
    const lastUsedAt = new Date(Date.now() - 3 * 3600_000);
    const seeded = await h.seedKey({ ownerId: owner, name: 'Billing export', scopes: ['read', 'write'], lastUsedAt });
    const modal = await openRevoke(owner, seeded.id);
    const shown = text(modal);
    for (const fact of [seeded.maskedKey, `<@${owner}>`, 'Billing export', '*Environment*\\ntest', '`read`, `write`', '*Last used*', String(Math.floor(lastUsedAt.getTime() / 1000))]) expect(shown).toContain(fact);
    // Verified only now: a verification records a new last use, which the modal would then show.
    expect(await verifyCode(seeded.key)).toBe('VALID');
    expect((modal.view.submit as { text: string }).text).toBe('Revoke');
    expect(JSON.stringify(modal.view)).toContain('"text":"Reason"');

    const blank = await h.driver.submitView({ userId: owner, view: modal, values: { [RevokeBlocks.reason]: '   ' } });
    expect(blank.json).toMatchObject({ response_action: 'errors', errors: { [RevokeBlocks.reason]: expect.stringContaining('Say why') } });
    expect(await verifyCode(seeded.key)).toBe('VALID');

    const done = await confirm(owner, modal, 'Rotating off this service');
    expect(text(done)).toContain(`Revoked ${'`'}${seeded.maskedKey}${'`'}`);
    await expectRevokedWithinASecond(seeded.key);
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: seeded.id } })).toMatchObject({ status: 'REVOKED', revokedBy: owner, revokedReason: 'Rotating off this service' });
    const audit = await h.db.auditEvent.findFirstOrThrow({ where: { action: 'key.revoked', targetId: seeded.id } });
    expect(audit).toMatchObject({ actorId: owner, source: `slack:T0TEST/${CHANNEL}` });
    expect(audit.details).toMatchObject({ reason: 'Rotating off this service', via: 'id' });
    // Revoking one's own key needs no notice; asking again says it is done.
    const again = await revokeReply(owner, seeded.id, 'already revoked');
    expect(again.text).toContain(`<@${owner}>`);
    expect(dmsTo(owner)).toHaveLength(0);
  });

  it('finds a key by its masked form, typed with "..."', async () => {
    const owner = newUser();
    const seeded = await h.seedKey({ ownerId: owner });
    const modal = await openRevoke(owner, seeded.maskedKey.replace('…', '...'));
    expect(text(modal)).toContain(seeded.id);
    await confirm(owner, modal);
    await expectRevokedWithinASecond(seeded.key);
  });

  it('lists the candidates when a masked form matches several keys, each with a Revoke button', async () => {
    const [alice, bob] = [newUser(), newUser()];
    const first = await h.seedKey({ ownerId: alice, name: 'Alice cron', maskedKey: 'ko_test_…Zz9q' });
    const second = await h.seedKey({ ownerId: bob, name: 'Bob worker', maskedKey: 'ko_test_…Zz9q', lastUsedAt: new Date() });
    const list = await revokeReply(ONCALL, 'ko_test_...Zz9q', 'matches');
    for (const fact of ['Alice cron', 'Bob worker', `<@${alice}>`, `<@${bob}>`, first.id, second.id, 'last used']) expect(text(list)).toContain(fact);

    const before = h.fake.openViewFor(ONCALL)?.id;
    const bobsButton = list.blocks.map((b) => b.accessory as { action_id?: string; value?: string } | undefined).find((a) => a?.value === second.id);
    expect(bobsButton?.action_id).toMatch(new RegExp(`^${ActionIds.revokeKey}\\.\\d$`));
    const click = await h.driver.clickButtonInMessage({ userId: ONCALL, message: list, actionText: 'Revoke', actionId: bobsButton?.action_id });
    expect(click.status).toBe(200);
    const modal = await h.fake.waitFor(() => {
      const v = h.fake.openViewFor(ONCALL);
      return v && v.id !== before ? v : undefined;
    });
    expect(text(modal)).toContain(second.id);
    await confirm(ONCALL, modal);
    await expectRevokedWithinASecond(second.key);
    expect(await verifyCode(first.key)).toBe('VALID');
    // A developer sees only their own key among the matches, and goes straight to its modal.
    const mine = await openRevoke(alice, 'ko_test_…Zz9q');
    expect(text(mine)).toContain(first.id);
  });

  it('revokes by the full leaked key without ever echoing, logging or storing it', async () => {
    const owner = newUser();
    const seeded = await h.seedKey({ ownerId: owner, name: 'Leaky' });
    const modal = await openRevoke(ONCALL, `\`${seeded.key}\``);
    expect(text(modal)).toContain(seeded.id);
    await confirm(ONCALL, modal, 'Found in a public gist');
    await expectRevokedWithinASecond(seeded.key);
    await h.fake.waitFor(() => dmsTo(owner)[0]);

    const random = seeded.key.slice(8, 34);
    const everywhere = [h.fake.allText(), h.logs.join('\n'), h.dumpDatabase(), await h.dumpHistories()];
    for (const found of everywhere) {
      expect(found.length).toBeGreaterThan(0);
      expect(found.includes(random)).toBe(false);
    }
    expect(h.dumpDatabase()).toContain(seeded.id);
    // Not even redacted: keyops never tried to log it (the log's redaction is a last resort).
    expect(h.logs.join('\n')).not.toContain('[redacted key]');
    expect((await h.db.auditEvent.findFirstOrThrow({ where: { action: 'key.revoked', targetId: seeded.id } })).details).toMatchObject({ via: 'secret' });
  });

  it('says when a pasted key is not one of ours or was mistyped, without repeating it', async () => {
    const user = newUser();
    const seeded = await h.seedKey({ ownerId: user });
    const typo = seeded.key.slice(0, 20) + (seeded.key[20] === 'A' ? 'B' : 'A') + seeded.key.slice(21);
    const mistyped = await revokeReply(user, typo, 'checksum');
    const unknown = await revokeReply(user, 'hello', 'cannot read that');
    for (const reply of [mistyped, unknown]) expect(reply.text).not.toContain(typo.slice(8, 34));
    expect(h.fake.allText()).not.toContain(typo.slice(8, 34));
    expect(h.logs.join('\n')).not.toContain('[redacted key]');
    expect(unknown.text).toContain('/apikey revoke');
    expect(await verifyCode(seeded.key)).toBe('VALID');
  });

  it('refuses a developer who does not own the key, and records the attempt', async () => {
    const [owner, stranger] = [newUser(), newUser()];
    const seeded = await h.seedKey({ ownerId: owner });
    const refusal = await revokeReply(stranger, seeded.id, 'only your own keys');
    expect(refusal.text).toContain('on-call');
    expect(h.fake.openViewFor(stranger)).toBeUndefined();
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.revoke_refused', actorId: stranger, targetId: seeded.id } })).toMatchObject({ details: { why: 'NOT_OWNER', via: 'id' } });
    // Not even through a masked form or the full key.
    await revokeReply(stranger, seeded.maskedKey, 'only your own keys');
    await revokeReply(stranger, seeded.key, 'only your own keys');
    expect(await h.db.auditEvent.count({ where: { action: 'key.revoke_refused', actorId: stranger } })).toBe(3);
    expect(await verifyCode(seeded.key)).toBe('VALID');
  });

  it('lets on-call revoke anyone\'s key, and tells the owner who did it and why', async () => {
    const owner = newUser();
    const seeded = await h.seedKey({ ownerId: owner, name: 'Payments', environment: 'production' });
    const modal = await openRevoke(ONCALL, seeded.id);
    const done = await confirm(ONCALL, modal, 'Leaked in a public repo');
    expect(text(done)).toContain(`telling <@${owner}>`);
    await expectRevokedWithinASecond(seeded.key);

    const notice = await h.fake.waitFor(() => dmsTo(owner)[0]);
    expect(notice.text).toContain(`<@${ONCALL}>`);
    expect(notice.text).toContain('Leaked in a public repo');
    expect(text(notice)).toContain(seeded.maskedKey);
    expect(text(notice)).toContain('/apikey new');
    const workflow = h.temporal.client.workflow.getHandle(`revoke-rv_${modal.id}`);
    expect(await workflow.result()).toEqual({ ownersNotified: 1, offersEnded: 0 });
    expect(dmsTo(owner)).toHaveLength(1);
    expect(await h.db.auditEvent.count({ where: { action: 'key.revocation_notified', targetId: owner } })).toBe(1);
  });
});

describe('emergency revocation', () => {
  it('revokes every live key of a person in one go, with the count in the confirmation', async () => {
    const [leaver, colleague] = [newUser(), newUser()];
    const keys = [await h.seedKey({ ownerId: leaver, environment: 'test' }), await h.seedKey({ ownerId: leaver, environment: 'production' }), await h.seedKey({ ownerId: leaver, environment: 'staging' })];
    const old = await h.seedKey({ ownerId: leaver });
    await h.db.apiKey.update({ where: { id: old.id }, data: { status: 'REVOKED', revokedBy: 'U0SOMEONE' } });
    const theirs = await h.seedKey({ ownerId: colleague });

    const modal = await openRevoke(ONCALL, `<@${leaver}|leaver>`);
    expect(text(modal)).toContain('all 3 live keys');
    expect((modal.view.submit as { text: string }).text).toBe('Revoke 3 keys');
    const done = await confirm(ONCALL, modal, 'Offboarding');
    expect(text(done)).toContain('Revoked *3* keys');
    for (const k of keys) await expectRevokedWithinASecond(k.key);
    expect(await verifyCode(theirs.key)).toBe('VALID');
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: old.id } })).revokedBy).toBe('U0SOMEONE');

    const revocationIds = new Set((await h.db.apiKey.findMany({ where: { id: { in: keys.map((k) => k.id) } } })).map((k) => k.revocationId));
    expect(revocationIds.size).toBe(1);
    expect(await h.db.auditEvent.findFirst({ where: { action: 'keys.revoked_in_bulk', targetId: leaver } })).toMatchObject({ actorId: ONCALL, details: { count: 3 } });
    const notice = await h.fake.waitFor(() => dmsTo(leaver)[0]);
    expect(notice.text).toContain('3 of your keys');
    expect(notice.text).toContain('Offboarding');
  });

  it('refuses people who are neither on-call nor admin, and records the attempt', async () => {
    const [developer, target] = [newUser(), newUser()];
    const seeded = await h.seedKey({ ownerId: target });
    await revokeReply(developer, `<@${target}>`, 'for on-call and admins');
    await revokeReply(developer, 'env:test', 'for on-call and admins');
    expect(await h.db.auditEvent.findMany({ where: { action: 'key.revoke_refused', actorId: developer }, orderBy: { id: 'asc' } })).toMatchObject([
      { targetType: 'user', targetId: target },
      { targetType: 'environment', targetId: 'test' },
    ]);
    expect(await verifyCode(seeded.key)).toBe('VALID');
  });

  it('revokes a whole environment once its name is typed out', async () => {
    const keys = [await h.seedKey({ ownerId: newUser(), environment: 'staging' }), await h.seedKey({ ownerId: newUser(), environment: 'staging' })];
    const elsewhere = await h.seedKey({ ownerId: newUser(), environment: 'test' });
    const live = await h.db.apiKey.count({ where: { environment: 'staging', status: { in: ['ACTIVE', 'PENDING_REVEAL'] } } });
    const modal = await openRevoke(ADMIN, 'env:staging');
    expect(text(modal)).toContain(`all ${live} live keys`);
    const wrong = await h.driver.submitView({ userId: ADMIN, view: modal, values: { [RevokeBlocks.reason]: 'Staging credentials leaked', [RevokeBlocks.confirm]: 'production' } });
    expect(wrong.json).toMatchObject({ response_action: 'errors', errors: { [RevokeBlocks.confirm]: expect.stringContaining('staging') } });
    await confirm(ADMIN, modal, 'Staging credentials leaked', { [RevokeBlocks.confirm]: 'staging' });
    for (const k of keys) await expectRevokedWithinASecond(k.key);
    expect(await verifyCode(elsewhere.key)).toBe('VALID');
    expect(await h.db.apiKey.count({ where: { environment: 'staging', status: { not: 'REVOKED' } } })).toBe(0);
  });
});

describe('a key revoked before its reveal', () => {
  it('ends the offer: the Reveal button mints nothing and says why', async () => {
    const owner = newUser();
    const ack = await h.driver.sendCommand({ userId: owner, channelId: 'C0GENERAL', text: 'new' });
    expect(ack.status).toBe(200);
    const form = await h.fake.waitFor(() => h.fake.openViewFor(owner));
    await h.driver.submitView({ userId: owner, view: form, values: { [NewKeyBlocks.name]: 'Never shown', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' } });
    const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: owner }).find((m) => m.text.includes('Reveal it once')));
    const keyId = JSON.stringify(offer.blocks).match(/"value":"(key_[0-9A-Za-z]{16})"/)?.[1] as string;

    const modal = await openRevoke(ONCALL, keyId);
    expect(text(modal)).toContain('not revealed yet');
    await confirm(ONCALL, modal, 'Requested from a compromised laptop');
    const request = await h.db.keyRequest.findFirstOrThrow({ where: { requesterId: owner } });
    const workflow = h.temporal.client.workflow.getHandle(request.workflowId);
    expect(await workflow.result()).toBe('revoked');
    expect(await workflow.query(phaseQuery)).toBe('revoked');

    await h.driver.clickButtonInMessage({ userId: owner, message: offer, actionText: 'Reveal key' });
    const refusal = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: owner }).find((m) => m.text.includes('revoked before it was revealed')));
    expect(refusal.text).toContain('/apikey new');
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).toMatchObject({ status: 'REVOKED', keyHash: null });
    expect(await h.db.auditEvent.count({ where: { action: 'key.revealed', targetId: keyId } })).toBe(0);
    expect((await h.fake.waitFor(() => dmsTo(owner)[0])).text).toContain('Requested from a compromised laptop');
  });
});

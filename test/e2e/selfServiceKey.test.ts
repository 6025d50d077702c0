/**
 * The self-service journey end to end: /apikey new → modal → workflow → "Reveal key" once → the
 * message expires to the masked form. Real Bolt, PostgreSQL and Temporal; Slack faked at its API.
 */
import { ActionIds, NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import type { FakeMessage, FakeView } from '../../playground/slack';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/keyopsHarness';

const DISPLAY_SECONDS = 4;
const KEY_RE = /ko_test_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ displaySeconds: DISPLAY_SECONDS, usergroups: { S0PLATFORM: ['U0APPROVER'] } });
});
afterAll(async () => {
  await h?.stop();
});

let userSeq = 0;
const newUser = (): string => `U0DEV${String(++userSeq).padStart(3, '0')}`;

async function openModal(userId: string, channelId = 'C0GENERAL'): Promise<FakeView> {
  const ack = await h.driver.sendCommand({ userId, channelId, text: 'new' });
  expect(ack.status).toBe(200);
  return h.fake.waitFor(() => h.fake.openViewFor(userId));
}

function values(overrides: Record<string, unknown> = {}, environment = 'test', lifetime = '30d'): Record<string, unknown> {
  return { [NewKeyBlocks.name]: 'Payments service', [NewKeyBlocks.environment]: environment, [NewKeyBlocks.scopes]: ['read', 'write'], [lifetimeBlockId(environment)]: lifetime, ...overrides };
}

async function requestKey(userId: string, overrides: Record<string, unknown> = {}): Promise<FakeMessage> {
  const view = await openModal(userId);
  const submit = await h.driver.submitView({ userId, view, values: values(overrides) });
  expect(submit.json ?? {}).toEqual({});
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
}

const keyIdOf = (offer: FakeMessage): string => JSON.stringify(offer.blocks).match(/"value":"(key_[0-9A-Za-z]{16})"/)?.[1] as string;

describe('/apikey new', () => {
  it('opens a modal with the policy\'s choices and the contract\'s labels', async () => {
    const userId = newUser();
    const view = await openModal(userId);
    const labels = (view.blocks as Array<{ label?: { text: string } }>).map((b) => b.label?.text);
    expect(labels).toEqual(['Name', 'Environment', 'Scopes', 'Expires in', 'Reason']);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('"initial_option":{"text":{"type":"plain_text","text":"test"},"value":"test"}');
    expect(text).toContain('billing:read 🔒');
    expect(text).toContain('"value":"30d"');
  });

  it('delivers a key once: offer, reveal, verify, then the masked form', async () => {
    const userId = newUser();
    const offer = await requestKey(userId);
    expect(offer.channelId).toBe('C0GENERAL');
    expect(offer.text).not.toMatch(KEY_RE);
    const keyId = keyIdOf(offer);
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).toMatchObject({ status: 'PENDING_REVEAL', keyHash: null, ownerId: userId });

    const click = await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    expect(click.status).toBe(200);
    const revealed = await h.fake.waitFor(() => {
      const m = h.fake.ephemeralMessages({ userId }).find((x) => x.id === offer.id);
      return m && KEY_RE.test(JSON.stringify(m.blocks)) ? m : undefined;
    });
    const key = JSON.stringify(revealed.blocks).match(KEY_RE)?.[0] as string;
    const blocksText = JSON.stringify(revealed.blocks);
    expect(blocksText).toContain('shown only once');
    expect(blocksText).toContain('curl -H');
    expect(blocksText).toContain('fetch(');
    expect(blocksText).toContain('requests.get(');
    expect(blocksText).toContain(h.policy.quickStart.exampleUrl);

    expect(await h.verify(key)).toMatchObject({ valid: true, code: 'VALID', keyId, owner: userId, environment: 'test', scopes: ['read', 'write'] });
    const stored = await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
    expect(stored.status).toBe('ACTIVE');
    expect(stored.maskedKey).toBe(`ko_test_…${key.slice(-4)}`);

    const masked = await h.fake.waitFor(() => {
      const m = h.fake.ephemeralMessages({ userId }).find((x) => x.id === offer.id);
      return m && m.history.length >= 3 ? m : undefined;
    }, { timeoutMs: (DISPLAY_SECONDS + 10) * 1000 });
    expect(JSON.stringify(masked.blocks)).not.toMatch(KEY_RE);
    expect(JSON.stringify(masked.blocks)).toContain(stored.maskedKey as string);
    expect(masked.text).toContain('shown once');

    // The display expiry is audited right after its Slack call: the masked message can come first.
    const auditActions = async () => (await h.db.auditEvent.findMany({ where: { OR: [{ targetId: keyId }, { targetId: stored.requestId as string }] }, orderBy: { id: 'asc' } })).map((e) => e.action);
    await eventually(async () => (await auditActions()).includes('key.display_expired'), { what: 'the display expiry to be audited' });
    // Then, a few seconds later, the verification above as the key's first call (test/e2e/firstCall.test.ts).
    expect((await auditActions()).slice(0, 5)).toEqual(['key.requested', 'key.created', 'key.reveal_offered', 'key.revealed', 'key.display_expired']);

    // The plaintext is nowhere but in the one reveal response.
    const revealResponses = h.fake.responses.filter((r) => JSON.stringify(r.body).includes(key));
    expect(revealResponses).toHaveLength(1);
    const elsewhere = [
      h.fake.calls.map((c) => JSON.stringify(c.args)).join('\n'),
      h.fake.responses.filter((r) => r !== revealResponses[0]).map((r) => JSON.stringify(r.body)).join('\n'),
      h.logs.join('\n'),
      h.dumpDatabase(),
      await h.dumpHistories(),
    ];
    for (const text of elsewhere) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.includes(key)).toBe(false);
      expect(text.includes(key.slice(8, 34))).toBe(false); // the random part alone
    }
    expect(h.dumpDatabase()).toContain(keyId); // the search above looked at real data
    // The click's response_url (it can post into the owner's conversation) is in history only sealed.
    const histories = await h.dumpHistories();
    expect(histories).not.toContain(click.responseUrl as string);
    expect(histories).toContain('sealed:v2:');
  });

  it('refuses a click by anyone but the owner, audits it and mints nothing', async () => {
    const owner = newUser();
    const stranger = newUser();
    const offer = await requestKey(owner);
    const keyId = keyIdOf(offer);
    await h.driver.clickButton({ userId: stranger, channelId: offer.channelId, actionId: ActionIds.revealKey, value: keyId, message: { ts: offer.ts, ephemeral: true } });
    const refusal = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: stranger }).find((m) => m.text.includes('Only the owner')));
    expect(refusal.text).toContain('Only the owner');
    expect(await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).toMatchObject({ status: 'PENDING_REVEAL', keyHash: null });
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.reveal_refused', actorId: stranger, targetId: keyId } })).not.toBeNull();
  });

  it('explains a second click instead of minting another key', async () => {
    const userId = newUser();
    const offer = await requestKey(userId);
    const keyId = keyIdOf(offer);
    await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    const revealed = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.id === offer.id && KEY_RE.test(JSON.stringify(m.blocks))));
    const hashBefore = (await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).keyHash;
    // The same button, clicked again (from another device that still shows the offer).
    await h.driver.clickButton({ userId, channelId: offer.channelId, actionId: ActionIds.revealKey, value: keyId, message: { ts: offer.ts, ephemeral: true } });
    const answer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('already shown once')));
    expect(answer.text).toContain('rotate');
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } })).keyHash).toBe(hashBefore);
    expect(revealed).toBeDefined();
    // The reveal is audited right after its Slack call, so the refusal can come first.
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.revealed', targetId: keyId } })) > 0, { what: 'the reveal to be audited' });
    expect(await h.db.auditEvent.count({ where: { action: 'key.revealed', targetId: keyId } })).toBe(1);
  });

  it('keeps one key and one message when the modal is submitted twice and Slack retries', async () => {
    const userId = newUser();
    const view = await openModal(userId);
    // A double click on Create and Slack's retry of the same submission arrive together.
    const [first, second] = await Promise.all([
      h.driver.submitView({ userId, view, values: values({ [NewKeyBlocks.name]: 'Twice' }) }),
      h.driver.submitView({ userId, view, values: values({ [NewKeyBlocks.name]: 'Twice' }), retryNum: 1 }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.fake.ephemeralMessages({ userId }).filter((m) => m.text.includes('Reveal it once'))).toHaveLength(1);
    expect(await h.db.apiKey.count({ where: { ownerId: userId } })).toBe(1);
    expect(await h.db.keyRequest.count({ where: { requesterId: userId } })).toBe(1);
  });

  it('shows validation errors inline and keeps the modal open', async () => {
    const userId = newUser();
    const view = await openModal(userId);
    const blank = await h.driver.submitView({ userId, view, values: values({ [NewKeyBlocks.name]: '   ' }) });
    expect(blank.json).toEqual({ response_action: 'errors', errors: { [NewKeyBlocks.name]: 'Give the key a name.' } });

    const production = await h.driver.submitView({ userId, view: (await openModal(userId)), values: values({}, 'test') });
    expect(production.json ?? {}).toEqual({});
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
    const duplicate = await h.driver.submitView({ userId, view: await openModal(userId), values: values() });
    expect(duplicate.json).toMatchObject({ response_action: 'errors', errors: { [NewKeyBlocks.name]: expect.stringContaining('already have a test key named') } });
  });

  it('asks for a reason when the policy will need an approver, and creates nothing until someone approves', async () => {
    const userId = newUser();
    const view = await openModal(userId);
    // Switching the environment swaps in production's lifetimes (views.update).
    await h.driver.selectOption({ userId, view, blockId: NewKeyBlocks.environment, value: 'production' });
    const updated = await h.fake.waitFor(() => {
      const v = h.fake.openViewFor(userId);
      return v && JSON.stringify(v.blocks).includes(lifetimeBlockId('production')) ? v : undefined;
    });
    const noReason = await h.driver.submitView({ userId, view: updated, values: values({}, 'production', '90d') });
    expect(noReason.json).toMatchObject({ response_action: 'errors', errors: { [NewKeyBlocks.reason]: expect.stringContaining('needs approval') } });
    const withReason = await h.driver.submitView({ userId, view: updated, values: values({ [NewKeyBlocks.reason]: 'Launch' }, 'production', '90d') });
    expect(withReason.json ?? {}).toEqual({});
    const notice = await h.fake.waitFor(() => h.fake.messages({ channelId: `D${userId.slice(1)}` }).find((m) => m.text.includes('needs approval')));
    expect(JSON.stringify(notice.blocks)).toContain('Cancel request');
    expect(await h.db.apiKey.count({ where: { ownerId: userId } })).toBe(0);
    expect(await h.db.keyRequest.findFirst({ where: { requesterId: userId } })).toMatchObject({ status: 'PENDING_APPROVAL', reason: 'Launch' });
  });

  it('enforces the per-user creation rate limit', async () => {
    const userId = newUser();
    const limit = h.policy.limits.keyRequestsPerUserPerHour;
    // An hour's worth of accepted submissions, as the submit path counts them.
    await h.db.keyRequestSubmission.createMany({
      data: Array.from({ length: limit }, (_, i) => ({ requestId: `kr_seed_${userId}_${i}`, requesterId: userId, submittedAt: new Date(Date.now() - (i + 1) * 60_000) })),
    });
    const result = await h.driver.submitView({ userId, view: await openModal(userId), values: values() });
    expect(result.json).toMatchObject({ response_action: 'errors', errors: { [NewKeyBlocks.name]: expect.stringContaining(`the limit is ${limit}`) } });
  });

  it('hides the key on time even when the worker restarts during the display timer', async () => {
    const userId = newUser();
    const offer = await requestKey(userId);
    await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.id === offer.id && KEY_RE.test(JSON.stringify(m.blocks))));
    await h.stopWorker();
    await new Promise((r) => setTimeout(r, (DISPLAY_SECONDS + 1) * 1000));
    expect(KEY_RE.test(JSON.stringify(h.fake.ephemeralMessages({ userId }).find((m) => m.id === offer.id)?.blocks))).toBe(true);
    await h.startWorker();
    const masked = await h.fake.waitFor(() => {
      const m = h.fake.ephemeralMessages({ userId }).find((x) => x.id === offer.id);
      return m && !KEY_RE.test(JSON.stringify(m.blocks)) && m.text.includes('shown once') ? m : undefined;
    }, { timeoutMs: 20_000 });
    expect(masked.history.length).toBe(3);
  });
});

/**
 * A key's lifecycle end to end: Extend from the list (modal, workflow, store, confirmation), the
 * expiry (verify answers EXPIRED, the owner is told), App Home published and refreshed, and the
 * start-up reconciliation that gives every active key exactly one lifecycle workflow.
 */
import { ExtendBlocks } from '../../bot/ids';
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { createKeyLifecycles } from '../../temporal/keyLifecycles';
import { keyLifecycleWorkflowId, lifecycleQuery } from '../../workflows/keyLifecycle';
import { askForKey } from '../support/approvalJourney';
import { eventually } from '../support/eventually';
import type { FakeMessage, FakeView } from '../../playground/slack';
import { KEY_HASH_SECRET, startHarness, type Harness } from '../support/keyopsHarness';
import { seedKeys } from '../support/seedKeys';

let h: Harness;
beforeAll(async () => {
  // Never-used keys are asked about after 3 seconds here, not 14 days.
  h = await startHarness({ displaySeconds: 3, policy: (p) => ({ ...p, notices: { ...p.notices, neverUsedAfter: 3 } }), usergroups: { S0PLATFORM: ['U0APPROVER'] } });
});
afterAll(async () => {
  await h?.stop();
});

const DAY = 86_400_000;
const seed = (keys: Parameters<typeof seedKeys>[1]['keys']) => seedKeys(h.db, { policy: h.policy, keyHashSecret: KEY_HASH_SECRET, keys });
const lifecycles = () => createKeyLifecycles({ client: h.temporal.client });

async function list(userId: string): Promise<FakeMessage> {
  const before = h.fake.ephemeralMessages({ userId }).length;
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'list' });
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId })[before]);
}

async function runningLifecycles(keyId: string): Promise<number> {
  let n = 0;
  for await (const wf of h.temporal.client.workflow.list({ query: `WorkflowId = '${keyLifecycleWorkflowId(keyId)}' AND ExecutionStatus = 'Running'` })) if (wf) n += 1;
  return n;
}

describe('Extend', () => {
  it('moves the expiry within the policy, re-plans the notices, confirms and audits', async () => {
    const userId = 'U0EXTEND';
    // In use (so the next unused-key check is 90 days out), expiring in 5 days.
    const [key] = await seed([{ ownerId: userId, name: 'Search indexer', expiresAt: new Date(Date.now() + 5 * DAY), lastUsedAt: new Date() }]);
    const keyId = key?.id as string;
    await lifecycles().ensureStarted(keyId);
    const message = await list(userId);
    await h.driver.clickButtonInMessage({ userId, message, actionText: 'Extend' });
    const modal: FakeView = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    // test keys live 7d, 30d or 90d: each is "from today" and later than the current 5 days.
    expect(JSON.stringify(modal.blocks)).toContain('90d from today');
    const submitted = await h.driver.submitView({ userId, view: modal, values: { [ExtendBlocks.lifetime]: '90d' } });
    expect(submitted.json ?? {}).toEqual({});

    const stored = await eventually(async () => {
      const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
      return row.expiresAt.getTime() > Date.now() + 80 * DAY ? row : null;
    }, { what: 'the new expiry', timeoutMs: 15_000 });
    expect(Math.abs(stored.expiresAt.getTime() - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
    const confirmation = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.startsWith('Extended')));
    expect(confirmation.text).toContain('Search indexer');
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.extended', targetId: keyId, actorId: userId } })).not.toBeNull();
    const state = await h.temporal.client.workflow.getHandle(keyLifecycleWorkflowId(keyId)).query(lifecycleQuery);
    expect(state.facts?.expiresAtMs).toBe(stored.expiresAt.getTime());
    expect(state.next).toEqual({ kind: 'expiry_notice', atMs: stored.expiresAt.getTime() - 14 * DAY });
  });

  it('extends a key whose lifecycle workflow was lost, starting it in the same call', async () => {
    const userId = 'U0EXTLOST';
    const [key] = await seed([{ ownerId: userId, name: 'Lost lifecycle', expiresAt: new Date(Date.now() + 3 * DAY), lastUsedAt: new Date() }]);
    expect(await runningLifecycles(key?.id as string)).toBe(0);
    await h.driver.clickButtonInMessage({ userId, message: await list(userId), actionText: 'Extend' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    await h.driver.submitView({ userId, view: modal, values: { [ExtendBlocks.lifetime]: '30d' } });
    await eventually(async () => (await h.db.apiKey.findUniqueOrThrow({ where: { id: key?.id } })).expiresAt.getTime() > Date.now() + 29 * DAY, { what: 'the new expiry', timeoutMs: 15_000 });
    expect(await runningLifecycles(key?.id as string)).toBe(1);
  });

  it('refuses a key that needs an approver under the policy, saying so, and changes nothing', async () => {
    const userId = 'U0EXTPROD';
    const expiresAt = new Date(Date.now() + 20 * DAY);
    const [key] = await seed([{ ownerId: userId, name: 'Prod payments', environment: 'production', expiresAt }]);
    const message = await list(userId);
    await h.driver.clickButtonInMessage({ userId, message, actionText: 'Extend' });
    const reply = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('needs an approver')));
    expect(reply.text).toContain('nothing changed');
    expect(h.fake.openViewFor(userId)).toBeUndefined();
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: key?.id } })).expiresAt).toEqual(expiresAt);
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.extend_refused', targetId: key?.id } })).not.toBeNull();
  });

  it('refuses someone who is neither the owner nor an admin', async () => {
    const [key] = await seed([{ ownerId: 'U0EXTOWNER', name: 'Not yours' }]);
    await h.driver.clickButton({ userId: 'U0EXTOTHER', channelId: 'C0GENERAL', actionId: 'key.extend.0', value: key?.id });
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0EXTOTHER' }).find((m) => m.text.includes('Only the owner')));
    expect(h.fake.openViewFor('U0EXTOTHER')).toBeUndefined();
  });
});

describe('expiry', () => {
  it('expires the key at its time: verify says EXPIRED, the store says so, the owner is told', async () => {
    const userId = 'U0EXPIRE';
    const [key] = await seed([{ ownerId: userId, name: 'Short lived', expiresAt: new Date(Date.now() + 4000) }]);
    expect(await h.verify(key?.key as string)).toMatchObject({ valid: true, code: 'VALID' });
    await lifecycles().ensureStarted(key?.id as string);
    const told = await h.fake.waitFor(() => h.fake.messages().find((m) => m.text.includes('"Short lived" expired')), { timeoutMs: 20_000 });
    expect(told.channelId).toMatch(/^D/);
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: key?.id } })).status).toBe('EXPIRED');
    expect(await h.verify(key?.key as string)).toMatchObject({ valid: false, code: 'EXPIRED' });
    expect(await h.db.auditEvent.count({ where: { action: 'key.expired', targetId: key?.id } })).toBe(1);
    const result = await h.temporal.client.workflow.getHandle(keyLifecycleWorkflowId(key?.id as string)).result();
    expect(result).toBe('expired');
  });
});

describe('unused keys', () => {
  it('tell the owner of a never-used key, with Revoke and Keep; Keep is recorded and replaces the notice', async () => {
    const userId = 'U0UNUSED';
    const [key] = await seed([{ ownerId: userId, name: 'Forgotten key', createdAt: new Date() }]);
    await lifecycles().ensureStarted(key?.id as string);
    const notice = await h.fake.waitFor(() => h.fake.messages().find((m) => m.text.includes('"Forgotten key" has never been used')), { timeoutMs: 20_000 });
    expect(JSON.stringify(notice.blocks).match(/"text":"(Revoke|Keep)"/g)).toEqual(['"text":"Revoke"', '"text":"Keep"']);
    await eventually(async () => (await h.db.auditEvent.count({ where: { action: 'key.unused_notice_sent', targetId: key?.id } })) === 1, { what: 'the notice\'s audit event' });

    await h.driver.clickButtonInMessage({ userId, message: notice, actionText: 'Keep' });
    await h.fake.waitFor(() => notice.text.startsWith('Kept'));
    const stored = await h.db.apiKey.findUniqueOrThrow({ where: { id: key?.id } });
    expect(stored.keptAt).not.toBeNull();
    expect(stored.status).toBe('ACTIVE');
    expect(await h.db.auditEvent.findFirst({ where: { action: 'key.kept', targetId: key?.id, actorId: userId } })).not.toBeNull();
  });
});

describe('App Home', () => {
  it('is published when the tab opens and refreshed when a key is requested and revealed', async () => {
    const userId = 'U0HOME';
    await h.driver.sendEvent({ event: { type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' } });
    const first = await h.fake.waitFor(() => h.fake.homeViewFor(userId));
    expect(JSON.stringify(first.blocks)).toContain('You have no live keys');
    const versions = first.history.length;

    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    await h.driver.submitView({ userId, view: modal, values: { [NewKeyBlocks.name]: 'Home dashboard key', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' } });
    const pending = await h.fake.waitFor(() => {
      const home = h.fake.homeViewFor(userId);
      return home && JSON.stringify(home.blocks).includes('Home dashboard key') ? home : undefined;
    });
    expect(JSON.stringify(pending.blocks)).toContain('*pending*');
    expect(pending.history.length).toBeGreaterThan(versions);

    const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
    await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    await h.fake.waitFor(() => {
      const home = h.fake.homeViewFor(userId);
      return home && JSON.stringify(home.blocks).includes('*active*') ? home : undefined;
    });
  });

  it('shows an approver the requests waiting for them, and the requester theirs, as they arrive', async () => {
    await h.driver.sendEvent({ event: { type: 'app_home_opened', user: 'U0APPROVER', channel: 'D0APPROVER', tab: 'home' } });
    const approverHome = await h.fake.waitFor(() => h.fake.homeViewFor('U0APPROVER'));
    expect(JSON.stringify(approverHome.blocks)).not.toContain('Approvals waiting for you');
    await askForKey(h, { userId: 'U0ASKER', name: 'Ledger export', environment: 'production' });
    // Neither opens the tab again: the request refreshed both.
    await h.fake.waitFor(() => JSON.stringify(h.fake.homeViewFor('U0APPROVER')?.blocks).includes('Approvals waiting for you'));
    expect(JSON.stringify(h.fake.homeViewFor('U0APPROVER')?.blocks)).toContain('Ledger export');
    await h.fake.waitFor(() => JSON.stringify(h.fake.homeViewFor('U0ASKER')?.blocks).includes('Ledger export'));
    expect(JSON.stringify(h.fake.homeViewFor('U0ASKER')?.blocks)).toContain('Your requests waiting for approval');
    // Their list shows it as pending too, though no key exists yet.
    const listed = await list('U0ASKER');
    expect(JSON.stringify(listed.blocks)).toMatch(/Ledger export\*? \(production\), waiting for an approver/);
  });

  it('shows only the Home tab (the Messages tab publishes nothing)', async () => {
    await h.driver.sendEvent({ event: { type: 'app_home_opened', user: 'U0MSGTAB', channel: 'D0MSG', tab: 'messages' } });
    await h.driver.sendEvent({ event: { type: 'app_home_opened', user: 'U0HOMETAB', channel: 'D0HT', tab: 'home' } });
    await h.fake.waitFor(() => h.fake.homeViewFor('U0HOMETAB'));
    expect(h.fake.homeViewFor('U0MSGTAB')).toBeUndefined();
  });
});

describe('lifecycle workflows', () => {
  it('start when a key is revealed, and a lost one is started again at start-up, never twice', async () => {
    const userId = 'U0RECONCILE';
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    await h.driver.submitView({ userId, view: modal, values: { [NewKeyBlocks.name]: 'Reconciled', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' } });
    const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
    const keyId = JSON.stringify(offer.blocks).match(/"value":"(key_[0-9A-Za-z]{16})"/)?.[1] as string;
    await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    // The lifecycle starts once the revealed key is off the screen (display: 3 s here).
    await eventually(async () => (await runningLifecycles(keyId)) === 1, { what: 'the lifecycle to start', timeoutMs: 20_000 });

    // A key whose lifecycle was never started (seeded) and one whose lifecycle was terminated.
    const [orphan] = await seed([{ ownerId: userId, name: 'Orphan' }]);
    await h.temporal.client.workflow.getHandle(keyLifecycleWorkflowId(keyId)).terminate('lost in an incident');
    await h.restartWorker();
    await eventually(async () => (await runningLifecycles(keyId)) === 1 && (await runningLifecycles(orphan?.id as string)) === 1, { what: 'reconciliation', timeoutMs: 20_000 });
    // A second start-up finds them running and starts nothing.
    const reconciliations = () => h.logs.filter((l) => l.includes('key lifecycles reconciled'));
    const before = reconciliations().length;
    await h.restartWorker();
    const reconciled = await eventually(async () => reconciliations()[before], { what: 'the second reconciliation', timeoutMs: 15_000 });
    // Other tests' keys may turn active in between (their lifecycles start after the display), so
    // the count of starts is not asserted; these two keys keep exactly one lifecycle each.
    expect(JSON.parse(reconciled)).toMatchObject({ failed: 0 });
    expect(await runningLifecycles(keyId)).toBe(1);
    expect(await runningLifecycles(orphan?.id as string)).toBe(1);
    // Two worker restarts and three reconciliations: minutes on a loaded 2-core machine.
  }, 150_000);
});

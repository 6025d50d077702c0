/**
 * `/apikey list` end to end: a person's keys with status, dates and buttons, paged past Slack's
 * 50-block limit, admins listing someone else's keys, and buttons whose feature is not built yet
 * answering honestly. Real Bolt, PostgreSQL and Temporal; Slack faked at its API (which enforces
 * the block limits).
 */
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import type { FakeMessage } from '../../playground/slack';
import { KEY_HASH_SECRET, startHarness, type Harness } from '../support/keyopsHarness';
import { seedKeys } from '../support/seedKeys';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const DAY = 86_400_000;
const KEY_RE = /ko_test_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;
const seed = (keys: Parameters<typeof seedKeys>[1]['keys']) => seedKeys(h.db, { policy: h.policy, keyHashSecret: KEY_HASH_SECRET, keys });

async function list(userId: string, text = 'list'): Promise<FakeMessage> {
  const before = h.fake.ephemeralMessages({ userId }).length;
  const ack = await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text });
  expect(ack.status).toBe(200);
  return h.fake.waitFor(() => h.fake.ephemeralMessages({ userId })[before]);
}

const blockText = (m: FakeMessage): string => JSON.stringify(m.blocks);
const buttonsOf = (m: FakeMessage): string[][] =>
  m.blocks.filter((b) => b.type === 'actions' && String(b.block_id).startsWith('keys.row.')).map((b) => (b.elements as Array<{ text: { text: string } }>).map((e) => e.text.text));

describe('/apikey list', () => {
  it('shows each key with its status, dates, last use and the buttons that apply to it', async () => {
    const userId = 'U0LISTONE';
    const now = Date.now();
    const [active, soon, revoked] = await seed([
      { ownerId: userId, name: 'Billing worker', lastUsedAt: new Date(now - 3600_000), expiresAt: new Date(now + 60 * DAY) },
      { ownerId: userId, name: 'Nightly export', expiresAt: new Date(now + 2 * DAY) },
      { ownerId: userId, name: 'Old cron', status: 'REVOKED' },
    ]);
    const message = await list(userId);
    const text = blockText(message);
    expect(text).toContain('Your keys');
    for (const key of [active, soon, revoked]) expect(text).toContain(key?.name);
    expect(text).toContain(active?.maskedKey);
    expect(text).toContain('*active*');
    expect(text).toContain('*expiring soon*');
    expect(text).toContain('*revoked*');
    expect(text).toContain('Last used never');
    expect(text).toMatch(/Last used <!date\^\d+\^/);
    // Live keys first: the two active ones carry every button, the revoked one only Usage.
    expect(buttonsOf(message)).toEqual([
      ['Rotate', 'Revoke', 'Extend', 'Usage'],
      ['Rotate', 'Revoke', 'Extend', 'Usage'],
      ['Usage'],
    ]);
    // Someone else's keys are not in it.
    expect(h.fake.ephemeralMessages({ userId }).every((m) => !m.text.includes('U0OTHER'))).toBe(true);
  });

  it('pages past the 50-block limit: every key once, Previous and Next replacing the message', async () => {
    const userId = 'U0LISTMANY';
    const keys = await seed(Array.from({ length: 37 }, (_, i) => ({ ownerId: userId, name: `Service ${String(i).padStart(2, '0')}`, createdAt: new Date(Date.now() - (i + 1) * 60_000) })));
    const message = await list(userId);
    const seen: string[] = [];
    const namesOn = (m: FakeMessage): string[] => [...blockText(m).matchAll(/\*(Service \d\d)\*/g)].map((x) => x[1] as string);
    for (let page = 1; page <= 3; page++) {
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      expect(blockText(message)).toContain(`Page ${page} of 3`);
      seen.push(...namesOn(message));
      if (page === 3) break;
      const edits = message.history.length;
      await h.driver.clickButtonInMessage({ userId, message, actionText: 'Next' });
      await h.fake.waitFor(() => message.history.length > edits);
    }
    expect(seen).toHaveLength(37);
    expect(new Set(seen)).toEqual(new Set(keys.map((k) => k.name)));
    expect(blockText(message)).not.toContain('"Next"');
    const edits = message.history.length;
    await h.driver.clickButtonInMessage({ userId, message, actionText: 'Previous' });
    await h.fake.waitFor(() => message.history.length > edits);
    expect(blockText(message)).toContain('Page 2 of 3');
    // One message the whole time: the pages replaced it.
    expect(h.fake.ephemeralMessages({ userId }).filter((m) => m.text.includes('Your keys'))).toHaveLength(1);
  });

  it('lets the owner reveal a pending key from the list when the offer message is gone', async () => {
    const userId = 'U0LOSTOFFER';
    await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    await h.driver.submitView({ userId, view: modal, values: { [NewKeyBlocks.name]: 'Reloaded Slack', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' } });
    // The offer arrives, and the owner never clicks it (Slack dropped it when they reloaded).
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));

    const message = await list(userId);
    expect(buttonsOf(message)).toEqual([['Reveal key', 'Revoke']]);
    // An admin looking at the same keys cannot reveal them.
    expect(buttonsOf(await list('U0ADMIN', `list <@${userId}|owner>`))).toEqual([['Revoke']]);

    await h.driver.clickButtonInMessage({ userId, message, actionText: 'Reveal key' });
    const shown = await h.fake.waitFor(() => (KEY_RE.test(blockText(message)) ? message : undefined));
    const key = blockText(shown).match(KEY_RE)?.[0] as string;
    expect(await h.verify(key)).toMatchObject({ valid: true, code: 'VALID', owner: userId });
    expect(blockText(shown)).toContain('shown only once');
  });

  it('lets an admin list another person\'s keys, and refuses (and audits) anyone else', async () => {
    const ownerId = 'U0LISTED';
    await seed([{ ownerId, name: 'Payments API' }]);
    const adminView = await list('U0ADMIN', `list <@${ownerId}|Listed Person>`);
    expect(blockText(adminView)).toContain(`Keys of <@${ownerId}>`);
    expect(blockText(adminView)).toContain('Payments API');
    expect(await h.db.auditEvent.findFirst({ where: { action: 'keys.listed', actorId: 'U0ADMIN', targetId: ownerId } })).not.toBeNull();

    const refused = await list('U0NOSY', `list <@${ownerId}|listed>`);
    expect(refused.text).toContain('Only admins');
    expect(blockText(refused)).not.toContain('Payments API');
    expect(await h.db.auditEvent.findFirst({ where: { action: 'keys.list_refused', actorId: 'U0NOSY', targetId: ownerId } })).not.toBeNull();
  });

  it('says there are no keys yet, and explains its usage for anything but a mention', async () => {
    expect((await list('U0NOKEYS')).text).toContain('no API keys yet');
    expect((await list('U0NOKEYS', 'list everything')).text).toContain('list @person');
  });

  it('shows a row\'s usage report from its Usage button, to the clicker only', async () => {
    const userId = 'U0LISTUSAGE';
    await seed([{ ownerId: userId, name: 'Busy key' }]);
    const message = await list(userId);
    await h.driver.clickButtonInMessage({ userId, message, actionText: 'Usage' });
    const report = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => JSON.stringify(m.blocks).includes('Last 30 days')));
    expect(JSON.stringify(report.blocks)).toContain('Busy key');
    expect(JSON.stringify(report.blocks)).toContain('*Last used*');
  });

  it('opens the revocation confirmation from a row\'s Revoke button', async () => {
    const userId = 'U0LISTREVOKE';
    const [key] = await seed([{ ownerId: userId, name: 'Leaked key' }]);
    const message = await list(userId);
    await h.driver.clickButtonInMessage({ userId, message, actionText: 'Revoke' });
    const modal = await h.fake.waitFor(() => h.fake.openViewFor(userId));
    expect(modal.callbackId).toBe('revoke_keys');
    expect(JSON.stringify(modal.blocks)).toContain(key?.maskedKey);
  });
});

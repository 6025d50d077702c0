/**
 * The reveal window closes: an offer nobody clicked in time mints nothing, the owner is told, and
 * a late click explains instead of minting. The window is 3 s here (the policy's `reveal.window`).
 */
import type { FakeMessage } from '../../playground/slack';
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/keyopsHarness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: (p) => ({ ...p, reveal: { window: 3 } }) });
});
afterAll(async () => {
  await h?.stop();
});

it('closes the window on time, tells the owner, and a late click mints nothing', async () => {
  const userId = 'U0LATE';
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
  const view = await h.fake.waitFor(() => h.fake.openViewFor(userId));
  await h.driver.submitView({ userId, view, values: { [NewKeyBlocks.name]: 'Late', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '7d' } });
  const offer: FakeMessage = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));

  const closed = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('reveal window')), { timeoutMs: 20_000 });
  expect(closed.text).toContain('Nothing was created');
  const key = await h.db.apiKey.findFirstOrThrow({ where: { ownerId: userId } });
  expect(key).toMatchObject({ status: 'REVOKED', keyHash: null, revealedAt: null });

  await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
  const answer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('reveal window for this key has closed')));
  expect(answer.text).toContain('/apikey new');
  expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).keyHash).toBeNull();
  await eventually(async () => (await h.db.auditEvent.findFirst({ where: { action: 'key.reveal_refused', targetId: key.id } })) !== null, { what: 'the refused click in the audit log' });
  expect(await h.db.auditEvent.findFirst({ where: { action: 'key.reveal_window_closed', targetId: key.id } })).not.toBeNull();
});

/**
 * The plaintext is only ever shown where keyops can take it back: an ephemeral message, or a
 * modal. When the ephemeral offer is refused, the offer goes to the app's DM; its Reveal key opens
 * a modal, the DM never carries the key, and the modal is blanked after the display time. When a
 * key cannot be hidden (its response_url used up), the owner is told at once, with Rotate, and it
 * is logged and audited. Real Bolt, PostgreSQL and Temporal; Slack faked at its API.
 */
import { startHarness, type Harness } from '../support/keyopsHarness';
import { dmOf } from '../support/approvalJourney';
import { eventually } from '../support/eventually';
import type { FakeMessage } from '../../playground/slack';
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';

const DISPLAY_SECONDS = 4;
const KEY_RE = /ko_test_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ displaySeconds: DISPLAY_SECONDS });
});
afterAll(async () => {
  await h?.stop();
});

async function requestKey(userId: string, name: string): Promise<void> {
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
  const view = await h.fake.waitFor(() => h.fake.openViewFor(userId));
  const submit = await h.driver.submitView({ userId, view, values: { [NewKeyBlocks.name]: name, [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' } });
  expect(submit.json ?? {}).toEqual({});
}

const everythingSentTo = (channelId: string): string => JSON.stringify(h.fake.calls.filter((c) => c.args.channel === channelId || c.args.channel_id === channelId).map((c) => c.args));

describe('where a key is shown', () => {
  it('reveals a key offered in the app\'s DM in a modal, never in the DM, and blanks the modal after the display time', async () => {
    const userId = 'U0DMONLY';
    // Slack refuses the ephemeral offer (keyops is not in the channel): the offer goes to the DM.
    h.fake.failNext('chat.postEphemeral', 'channel_not_found');
    await requestKey(userId, 'Via DM');
    const offer = await h.fake.waitFor(() => h.fake.messages({ channelId: dmOf(userId) }).find((m) => m.text.includes('Reveal it once')));

    await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    const modal = await h.fake.waitFor(() => {
      const view = h.fake.openViewFor(userId);
      return view && KEY_RE.test(JSON.stringify(view.blocks)) ? view : undefined;
    });
    const key = JSON.stringify(modal.blocks).match(KEY_RE)?.[0] as string;
    expect(await h.db.apiKey.count({ where: { ownerId: userId, status: 'ACTIVE' } })).toBe(1);

    // After the display time the modal no longer shows it; the DM never did, in any version.
    await h.fake.waitFor(() => (JSON.stringify(h.fake.view(modal.id)?.blocks).includes(key) ? undefined : true), { timeoutMs: (DISPLAY_SECONDS + 20) * 1000 });
    expect(JSON.stringify(h.fake.view(modal.id)?.blocks)).toContain('shown once and is now hidden');
    expect(JSON.stringify(h.fake.messages({ channelId: dmOf(userId), includeDeleted: true }))).not.toContain(key);
    expect(everythingSentTo(dmOf(userId))).not.toContain(key);
    expect(h.fake.responses.filter((r) => JSON.stringify(r).includes(key))).toEqual([]);
  });

  it('tells the owner at once, with Rotate, when the key cannot be taken off their screen; logged and audited', async () => {
    const userId = 'U0STUCK';
    await requestKey(userId, 'Stuck on screen');
    const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
    const click = await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
    await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.id === offer.id && KEY_RE.test(JSON.stringify(m.blocks))));
    // Something else uses up the click's response_url (Slack allows five uses) before the display time ends.
    for (let i = 0; i < 4; i++) await fetch(click.responseUrl as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'noise', response_type: 'ephemeral' }) });

    const warning: FakeMessage = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('could not hide your key')), { timeoutMs: (DISPLAY_SECONDS + 20) * 1000 });
    const keyId = (await h.db.apiKey.findFirstOrThrow({ where: { ownerId: userId } })).id;
    expect(JSON.stringify(warning.blocks)).toContain('"text":"Rotate"');
    expect(JSON.stringify(warning.blocks)).toContain(`"value":"${keyId}"`);
    await eventually(() => h.db.auditEvent.findFirst({ where: { action: 'key.hide_failed', targetId: keyId } }), { what: 'the audit record' });
  });
});

/**
 * Socket Mode end to end, as the README's "three minutes" path sets it up: only SLACK_BOT_TOKEN
 * and SLACK_APP_TOKEN (no signing secret). keyops asks the stand-in's `apps.connections.open` for
 * a socket, and every command, click, submission and event reaches it as an envelope it must ack
 * within Slack's 3 seconds.
 */
import { parseEnv } from '../../config/env';
import { slackConfigFrom } from '../../config/slack';
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/keyopsHarness';

const KEY_RE = /ko_test_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ socketMode: true, displaySeconds: 5 });
});
afterAll(async () => {
  await h?.stop();
});

it('needs only the bot and app tokens', () => {
  const slack = slackConfigFrom(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }));
  expect(slack).toEqual({ botToken: 'xoxb-1', appToken: 'xapp-1' });
  expect(slackConfigFrom(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toBeNull();
});

it('connects with the app token, and answers /apikey help over the socket', async () => {
  const opens = h.fake.callsTo('apps.connections.open');
  expect(opens.length).toBeGreaterThanOrEqual(1);
  expect(opens.every((c) => c.response && (c.response as { ok: boolean }).ok)).toBe(true);
  await h.driver.sendCommand({ userId: 'U0DEV1', channelId: 'C0GENERAL', text: 'help' });
  const help = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: 'U0DEV1' }).find((m) => m.text.includes('/apikey new')));
  expect(help.channelId).toBe('C0GENERAL');
  const envelope = h.socket?.envelopes.find((e) => e.type === 'slash_commands');
  expect(envelope?.ack?.envelope_id).toBe(envelope?.envelopeId);
});

it('walks a key from /apikey new to its reveal, every envelope acked in time', async () => {
  const userId = 'U0DEV2';
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
  const view = await h.fake.waitFor(() => h.fake.openViewFor(userId));
  const values = { [NewKeyBlocks.name]: 'Socket service', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' };
  const submitted = await h.driver.submitView({ userId, view, values });
  expect(submitted.json ?? {}).toEqual({});
  expect(h.fake.openViewFor(userId)?.closed ?? true).toBe(true);
  const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
  await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
  const key = await eventually(async () => KEY_RE.exec(offer.text + JSON.stringify(offer.blocks))?.[0], { timeoutMs: 15_000, what: 'the reveal' });
  expect(await h.verify(key)).toMatchObject({ valid: true, code: 'VALID' });
  // App Home arrives as an Events API envelope, acked without a payload.
  await h.driver.sendEvent({ event: { type: 'app_home_opened', user: userId, channel: 'D0DEV2', tab: 'home' } });
  await h.fake.waitFor(() => h.fake.homeViewFor(userId));

  const envelopes = h.socket?.envelopes ?? [];
  expect(new Set(envelopes.map((e) => e.type))).toEqual(new Set(['slash_commands', 'interactive', 'events_api']));
  for (const e of envelopes) {
    expect(e.ack?.envelope_id).toBe(e.envelopeId);
    expect(e.ackMs).toBeLessThan(3000);
  }
});

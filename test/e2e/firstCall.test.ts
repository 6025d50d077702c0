/**
 * The first call, in Slack, end to end: a key is revealed, its owner's service calls verify (or a
 * gateway calls forward-auth), and the owner's reveal message, now masked, says so; App Home shows
 * it; a key nobody uses gets exactly one nudge. Real Bolt, PostgreSQL and Temporal; Slack faked.
 */
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { GATEWAY_AUTHORIZE_PATH } from '../../api/gatewayAuthorize';
import type { FakeMessage } from '../../playground/slack';
import { dmOf } from '../support/approvalJourney';
import { eventually } from '../support/eventually';
import { startHarness, VERIFY_TOKEN, type Harness } from '../support/keyopsHarness';

const DISPLAY_SECONDS = 5;
/** Nudges after 12 s here, not an hour. */
const NUDGE_SECONDS = 12;
/** Generous: the machine may be loaded (waits end as soon as what they wait for happens). */
const WAIT_MS = 90_000;
const KEY_RE = /ko_test_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;

// Each journey waits out a display, a settle and (for the nudge) the nudge's delay.
jest.setTimeout(240_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ displaySeconds: DISPLAY_SECONDS, policy: (p) => ({ ...p, firstCall: { nudgeAfter: NUDGE_SECONDS } }) });
});
afterAll(async () => {
  await h?.stop();
});

/** /apikey new, submit, Reveal key: the revealed message and the key on it. */
async function revealNewKey(userId: string, name: string): Promise<{ offerId: string; key: string; keyId: string }> {
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
  const view = await h.fake.waitFor(() => h.fake.openViewFor(userId), { timeoutMs: WAIT_MS });
  await h.driver.submitView({ userId, view, values: { [NewKeyBlocks.name]: name, [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' } });
  const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')), { timeoutMs: WAIT_MS });
  const keyId = JSON.stringify(offer.blocks).match(/"value":"(key_[0-9A-Za-z]{16})"/)?.[1] as string;
  expect(keyId).toBeDefined();
  await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
  const revealed = await h.fake.waitFor(() => {
    const m = h.fake.ephemeralMessages({ userId }).find((x) => x.id === offer.id);
    return m && KEY_RE.test(JSON.stringify(m.blocks)) ? m : undefined;
  }, { timeoutMs: WAIT_MS });
  const key = JSON.stringify(revealed.blocks).match(KEY_RE)?.[0] as string;
  return { offerId: offer.id, key, keyId };
}

const revealMessage = (userId: string, offerId: string): FakeMessage | undefined => h.fake.ephemeralMessages({ userId }).find((m) => m.id === offerId);
const textOf = (m: { text: string; blocks?: unknown } | undefined): string => (m ? `${m.text}\n${JSON.stringify(m.blocks)}` : '');
const dms = (userId: string) => h.fake.messages({ channelId: dmOf(userId) });

describe('the first call', () => {
  it('is reported in the owner\'s reveal message, masked, with who called, and on App Home', async () => {
    const userId = 'U0FIRST1';
    const { offerId, key, keyId } = await revealNewKey(userId, 'Billing API');
    const res = await fetch(`${h.url}/v1/keys/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json', 'x-keyops-caller': 'billing-api' },
      body: JSON.stringify({ key }),
    });
    expect(await res.json()).toMatchObject({ valid: true, keyId });

    const reported = await h.fake.waitFor(() => {
      const m = revealMessage(userId, offerId);
      return m && textOf(m).includes('First call') ? m : undefined;
    }, { timeoutMs: WAIT_MS });
    const text = textOf(reported);
    expect(text).toMatch(/First call \d+ s after reveal: 200 from `billing-api`/);
    expect(text).toContain(`ko_test_…${key.slice(-4)}`);
    expect(text).not.toContain(key);
    // In the message itself while its response_url lives: no DM about it, and no nudge after it.
    expect(dms(userId).filter((m) => textOf(m).includes('First call'))).toEqual([]);

    const audit = await eventually(() => h.db.auditEvent.findFirst({ where: { action: 'key.first_call', targetId: keyId } }), { what: 'the first call audited', timeoutMs: WAIT_MS });
    expect(audit?.details).toMatchObject({ outcome: 'VALID', via: 'verify', caller: 'billing-api', toldIn: 'reveal message' });

    await h.driver.sendEvent({ event: { type: 'app_home_opened', user: userId, channel: 'D0FIRST1', tab: 'home' } });
    const home = await h.fake.waitFor(() => {
      const view = h.fake.homeViewFor(userId);
      return view && JSON.stringify(view.blocks).includes('First call') ? view : undefined;
    }, { timeoutMs: WAIT_MS });
    expect(JSON.stringify(home.blocks)).toMatch(/First call \d+ s after reveal: 200 from `billing-api`/);

    // More calls change nothing: it was the first one.
    await h.verify(key);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await h.db.auditEvent.count({ where: { action: { in: ['key.first_call', 'key.first_call_nudge_sent'] }, targetId: keyId } })).toBe(1);
  });

  it('names the error class a gateway reported for the first call', async () => {
    const userId = 'U0FIRST2';
    const { offerId, key, keyId } = await revealNewKey(userId, 'Search gateway');
    const authorized = await fetch(`${h.url}${GATEWAY_AUTHORIZE_PATH}`, { headers: { 'x-keyops-gateway-token': VERIFY_TOKEN, 'x-api-key': key, 'x-keyops-caller': 'nginx-edge' } });
    expect(authorized.status).toBe(200);
    // The upstream failed that request, and the gateway says so.
    const usage = await fetch(`${h.url}/v1/usage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entries: [{ keyId, status: 503, latencyMs: 40, at: new Date().toISOString() }] }),
    });
    expect(await usage.json()).toMatchObject({ accepted: 1 });
    const reported = await h.fake.waitFor(() => {
      const m = revealMessage(userId, offerId);
      return m && textOf(m).includes('First call') ? m : undefined;
    }, { timeoutMs: WAIT_MS });
    expect(textOf(reported)).toMatch(/First call \d+ s after reveal: 5xx \(reported by the gateway\) from `nginx-edge`/);
  });

  it('nudges an unused key exactly once, with the quick start and no key, then reports its first call', async () => {
    const userId = 'U0FIRST3';
    const { offerId, key, keyId } = await revealNewKey(userId, 'Forgotten key');
    const nudge = await h.fake.waitFor(() => dms(userId).find((m) => m.text.includes('has not been used')), { timeoutMs: WAIT_MS });
    const nudgeText = textOf(nudge);
    expect(nudgeText).toContain(`ko_test_…${key.slice(-4)}`);
    expect(nudgeText).toContain('curl -H');
    expect(nudgeText).toContain(h.policy.quickStart.exampleUrl);
    expect(nudgeText).toContain('YOUR_KEY');
    expect(nudgeText).not.toContain(key);
    await eventually(() => h.db.auditEvent.findFirst({ where: { action: 'key.first_call_nudge_sent', targetId: keyId } }), { what: 'the nudge audited', timeoutMs: WAIT_MS });

    // Used after the nudge: reported, and never nudged again.
    await h.verify(key);
    await h.fake.waitFor(() => textOf(revealMessage(userId, offerId)).includes('First call') || undefined, { timeoutMs: WAIT_MS });
    expect(dms(userId).filter((m) => m.text.includes('has not been used'))).toHaveLength(1);
    expect(await h.db.auditEvent.count({ where: { action: 'key.first_call_nudge_sent', targetId: keyId } })).toBe(1);
  });
});

/**
 * Slack failing: HTTP 500, 503 and 429 with Retry-After for each Web API method keyops calls, and
 * response_urls that answer 404 (expired). One fault at a time, each injected into a journey that
 * makes that call; then the invariants (support/invariants.ts) for everyone involved.
 */
import type { SlackFault } from '../../playground/slack';
import { recordFault } from './support/faultTable';
import { startFaultStack, type FaultStack } from './support/faultStack';
import { checkInvariants, waitForHidden } from './support/invariants';
import { clickReveal, findOffer, shownKeys, submitNewKey, waitForOffer } from './support/journeys';

const APPROVER = 'U0APPROVER';
const FAULTS: Array<{ name: string; fault: SlackFault }> = [
  { name: 'HTTP 500', fault: { kind: 'status', status: 500 } },
  { name: 'HTTP 503', fault: { kind: 'status', status: 503 } },
  { name: 'HTTP 429, Retry-After: 2', fault: { kind: 'ratelimited', retryAfterSeconds: 2 } },
];

type Journey = 'self-service' | 'self-service (staging)' | 'approval';
/** Each method keyops calls, and the journey that calls it (App Home refreshes follow every change). */
const METHODS: Array<{ method: string; journey: Journey; step: string }> = [
  { method: 'views.open', journey: 'self-service', step: '/apikey new opens the modal' },
  { method: 'views.update', journey: 'self-service (staging)', step: 'the modal follows the environment picked' },
  { method: 'chat.postEphemeral', journey: 'self-service', step: 'the Reveal offer' },
  { method: 'response_url', journey: 'self-service', step: 'the reveal' },
  { method: 'views.publish', journey: 'self-service', step: 'App Home refresh' },
  { method: 'usergroups.users.list', journey: 'approval', step: 'approvers read from their group' },
  { method: 'conversations.open', journey: 'approval', step: "the approver's DM" },
  { method: 'chat.postMessage', journey: 'approval', step: "the approver's request message" },
  { method: 'chat.update', journey: 'approval', step: "the approver's message after the decision" },
];

let s: FaultStack;
let n = 0;
const users: string[] = [];
let mask404User = '';
beforeAll(async () => {
  s = await startFaultStack({ layout: 'all-in-one', usergroups: { S0PLATFORM: [APPROVER] } });
}, 180_000);
afterAll(() => s?.stop());

/** The whole journey as a patient person: asks again when the modal does not open, clicks Reveal again when told to. */
async function walk(journey: Journey, userId: string): Promise<{ doneAt: number; retries: number }> {
  let retries = 0;
  const environment = journey === 'approval' ? 'production' : journey === 'self-service (staging)' ? 'staging' : 'test';
  for (;;) {
    try {
      await submitNewKey(s, userId, { environment, name: `Service ${userId} ${retries}`, modalTimeoutMs: 8000 });
      break;
    } catch {
      retries += 1;
      if (retries > 3) throw new Error(`${userId}: the modal never opened`);
    }
  }
  if (journey === 'approval') {
    const message = await s.fake.waitFor(() => s.fake.messages({ channelId: `D${APPROVER.slice(1)}` }).find((m) => JSON.stringify(m.blocks).includes(userId) && m.text.includes('asks for a key')), { timeoutMs: 60_000 });
    await s.driver.clickButtonInMessage({ userId: APPROVER, message, actionText: 'Approve' });
  }
  const offer = await waitForOffer(s, userId);
  for (let clicks = 0; shownKeys(s, userId).length === 0; clicks += 1) {
    if (clicks > 3) throw new Error(`${userId}: no key after ${clicks} clicks`);
    await clickReveal(s, userId, findOffer(s, userId) ?? offer);
    await s.fake.waitFor(() => shownKeys(s, userId).length > 0 || s.fake.ephemeralMessages({ userId }).some((m) => /not delivered|could not be shown|try again/i.test(m.text)), { timeoutMs: 60_000 }).catch(() => undefined);
    if (clicks > 0) retries += 1;
  }
  return { doneAt: Date.now(), retries };
}

describe('Slack failing one call at a time', () => {
  for (const { method, journey, step } of METHODS) {
    for (const { name, fault } of FAULTS) {
      it(`${method} answers ${name} (${step})`, async () => {
        const userId = `U0SLK${String(n++).padStart(3, '0')}`;
        users.push(userId);
        if (method === 'response_url') {
          // Armed once the offer is up: the first response_url keyops then uses is the reveal's.
          await submitNewKey(s, userId);
          const offer = await waitForOffer(s, userId);
          await waitForHidden(s, users, 0);
          const armed = s.fake.faults.arm(method, fault);
          await clickReveal(s, userId, offer);
          const hitAt = await armed.hit;
          const shownAt = await s.fake.waitFor(() => shownKeys(s, userId)[0]?.shownAt, { timeoutMs: 60_000 });
          recordFault({ fault: `Slack ${name}`, step: `${method}: ${step}`, outcome: 'the reveal was retried: one key shown', recoveryMs: shownAt - hitAt });
          return;
        }
        const armed = s.fake.faults.arm(method, fault);
        const { doneAt, retries } = await walk(journey, userId);
        if (method === 'views.publish') await s.fake.waitFor(() => armed.hits > 0, { timeoutMs: 10_000 }).catch(() => undefined);
        armed.clear();
        const offPath = method === 'views.publish';
        const outcome = armed.hits === 0 ? 'not called on this journey (read once, then cached)' : offPath ? 'Home refresh skipped (best effort: rebuilt when opened); journey done' : retries > 0 ? `the person had to ask again (${retries}×)` : 'retried by keyops; journey done';
        recordFault({ fault: `Slack ${name}`, step: `${method}: ${step}`, outcome, recoveryMs: armed.hits > 0 && !offPath ? Math.max(0, doneAt - (await armed.hit)) : null });
      });
    }
  }

  it('a response_url that answers 404 (expired) at the reveal', async () => {
    const userId = `U0SLK${String(n++).padStart(3, '0')}`;
    users.push(userId);
    await submitNewKey(s, userId);
    const offer = await waitForOffer(s, userId);
    await waitForHidden(s, users, 0);
    const armed = s.fake.faults.arm('response_url', { kind: 'expired' });
    await clickReveal(s, userId, offer);
    const hitAt = await armed.hit;
    const told = await s.fake.waitFor(() => s.fake.ephemeralMessages({ userId }).find((m) => m.id !== offer.id && (m.history[0]?.at ?? 0) >= hitAt), { timeoutMs: 60_000 });
    expect(shownKeys(s, userId)).toEqual([]);
    await clickReveal(s, userId, findOffer(s, userId) ?? offer);
    const shownAt = await s.fake.waitFor(() => shownKeys(s, userId)[0]?.shownAt, { timeoutMs: 60_000 });
    recordFault({ fault: 'response_url 404 (expired)', step: 'the reveal', outcome: `nothing minted; told "${told.text.slice(0, 40)}…"; a second click showed one key`, recoveryMs: shownAt - hitAt });
  });

  it('a response_url that answers 404 (expired) when the key is hidden', async () => {
    const userId = `U0SLK${String(n++).padStart(3, '0')}`;
    mask404User = userId;
    await submitNewKey(s, userId);
    const offer = await waitForOffer(s, userId);
    // Every earlier key hidden first: the next response_url call is then this key's hiding.
    await waitForHidden(s, users, 0);
    await clickReveal(s, userId, offer);
    await s.fake.waitFor(() => shownKeys(s, userId)[0], { timeoutMs: 60_000 });
    const armed = s.fake.faults.arm('response_url', { kind: 'expired' });
    await armed.hit;
    await s.fake.waitFor(() => s.logs(s.slackRole).some((line) => line.includes('could not hide a revealed key')), { timeoutMs: 30_000 });
    // Slack lets nothing else edit an ephemeral message: the key stays until the person reloads.
    expect(shownKeys(s, userId)[0]?.hiddenAt).toBeNull();
    recordFault({ fault: 'response_url 404 (expired)', step: 'hiding the key', outcome: 'key stays on screen (Slack edits ephemerals only by response_url); logged', recoveryMs: null });
  });

  it('after every fault: one key per request, shown and stored alike, hidden on time, no duplicates', async () => {
    await waitForHidden(s, users, 0);
    expect(await checkInvariants(s, { users: [...users, APPROVER], downtimeMs: 0 })).toEqual([]);
    expect(mask404User).not.toBe('');
  });
});

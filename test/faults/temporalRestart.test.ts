/**
 * The Temporal server restarted mid-journey (SIGKILL, then started again on its SQLite state):
 * during a key's display timer, and while a request is being submitted. keyops (all-in-one) keeps
 * running and must carry on by itself; verification does not need Temporal and keeps answering.
 */
import { recordFault } from './support/faultTable';
import { DISPLAY_SECONDS, startFaultStack, type FaultStack } from './support/faultStack';
import { checkInvariants, waitForHidden } from './support/invariants';
import { clickReveal, shownKeys, submitNewKey, waitForOffer, waitForShownKey } from './support/journeys';

const DOWN_MS = 3000;
let s: FaultStack;
beforeAll(async () => {
  s = await startFaultStack({ layout: 'all-in-one' });
}, 180_000);
afterAll(() => s?.stop());

it('Temporal restarted during the display timer: the key is still hidden, verify answers throughout', async () => {
  const userId = 'U0TMP01';
  await submitNewKey(s, userId);
  await clickReveal(s, userId, await waitForOffer(s, userId));
  await waitForShownKey(s, userId);
  const key = shownKeys(s, userId)[0]?.key as string;
  const killedAt = Date.now();
  await s.temporal.kill();
  const whileDown = await s.verify(key);
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  await s.temporal.start();
  const downtimeMs = Date.now() - killedAt;
  await waitForHidden(s, [userId], downtimeMs);
  const shown = shownKeys(s, userId)[0];
  const violations = await checkInvariants(s, { users: [userId], downtimeMs });
  if (whileDown.body.code !== 'VALID') violations.push(`verify answered ${whileDown.status} ${String(whileDown.body.code)} while Temporal was down`);
  recordFault({
    fault: 'Temporal server restarted',
    step: 'during the display timer',
    outcome: violations.length ? `FAILED: ${violations.join('; ')}` : `verify VALID while down; key hidden ${(((shown?.hiddenAt ?? 0) - (shown?.shownAt ?? 0)) / 1000).toFixed(1)} s after shown (display ${DISPLAY_SECONDS} s, down ${(downtimeMs / 1000).toFixed(1)} s)`,
    recoveryMs: shown?.hiddenAt ? Math.max(0, shown.hiddenAt - (killedAt + downtimeMs)) : null,
  });
  expect(violations).toEqual([]);
});

it('Temporal down when the modal is submitted: the person is asked to submit again, and that works', async () => {
  const userId = 'U0TMP02';
  const killedAt = Date.now();
  await s.temporal.kill();
  await submitNewKey(s, userId).catch(() => undefined);
  await s.temporal.start();
  const downtimeMs = Date.now() - killedAt;
  // The modal stays open with the error; the person submits it again once Temporal is back.
  if (!(await waitForOffer(s, userId, 5000).catch(() => null))) await submitNewKey(s, userId);
  await waitForOffer(s, userId);
  const recoveryMs = Date.now() - killedAt;
  await clickReveal(s, userId, await waitForOffer(s, userId));
  await waitForShownKey(s, userId);
  await waitForHidden(s, [userId], 0);
  const violations = await checkInvariants(s, { users: [userId], downtimeMs });
  recordFault({ fault: 'Temporal server restarted', step: 'at the modal submit', outcome: violations.length ? `FAILED: ${violations.join('; ')}` : 'submit refused with "submit again"; the second submit got one key', recoveryMs });
  expect(violations).toEqual([]);
});

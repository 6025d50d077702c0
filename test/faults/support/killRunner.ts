/**
 * One kill scenario from start to table row: run it, wait for shown keys to be hidden, check the
 * invariants, and report what a known gap explains apart from what failed.
 */
import { checkInvariants, waitForHidden } from './invariants';
import { recordFault } from './faultTable';
import type { FaultStack } from './faultStack';
import type { KillScenario } from './killScenarios';

const earlierUsers = new WeakMap<FaultStack, string[]>();

/** Runs one scenario, checks the invariants, records its row; resolves with the violations. */
export async function runKillScenario(s: FaultStack, scenario: KillScenario, userId: string): Promise<string[]> {
  const who = s.layout === 'all-in-one' ? 'keyops (all-in-one)' : scenario.target === 'slack' ? 'bot' : 'worker';
  // A fault a failed scenario left armed must not hit the next one, nor one armed now an earlier
  // key's hiding (a response_url call of its own).
  s.fake.faults.clearAll();
  const earlier = earlierUsers.get(s) ?? [];
  await waitForHidden(s, earlier, 60_000);
  earlierUsers.set(s, [...earlier, userId]);
  const result = await scenario.run(s, userId).catch((error: unknown) => {
    // What keyops said last, so a scenario that stalls says why.
    const tail = [...new Set([s.workerRole, s.slackRole])].map((role) => `--- ${role}\n${s.logs(role).slice(-25).join('\n')}`).join('\n');
    throw new Error(`${(error as Error).message}\n${tail}`);
  });
  const users = result.users ?? [userId];
  await waitForHidden(s, users, result.downtimeMs);
  const found = await checkInvariants(s, { users, downtimeMs: result.downtimeMs });
  const known = found.filter((v) => scenario.knownGaps?.some((re) => re.test(v)));
  const violations = found.filter((v) => !known.includes(v));
  if (result.silent) violations.push(result.outcome);
  const outcome = violations.length ? `FAILED: ${violations.join('; ')}` : known.length ? `${result.outcome}; known gap: ${known.join('; ')}` : result.outcome;
  recordFault({ fault: `kill -9 ${who}`, step: scenario.step, outcome: `${outcome} (down ${(result.downtimeMs / 1000).toFixed(1)} s)`, recoveryMs: result.recoveryMs });
  return violations;
}

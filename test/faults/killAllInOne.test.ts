/**
 * kill -9 of keyops running as `npm start` runs it (one process), at each step of the journeys,
 * then a restart. See support/killScenarios.ts for the steps and support/invariants.ts for what
 * must hold after each.
 */
import { startFaultStack, type FaultStack } from './support/faultStack';
import { runKillScenario } from './support/killRunner';
import { escalationPolicy, killScenarios } from './support/killScenarios';

let s: FaultStack;
beforeAll(async () => {
  s = await startFaultStack({ layout: 'all-in-one', policyEdit: escalationPolicy });
}, 180_000);
afterAll(() => s?.stop());

describe('kill -9 of the all-in-one process', () => {
  killScenarios.filter((sc) => !sc.splitOnly).forEach((scenario, i) => {
    it(`${scenario.step} (${scenario.target === 'slack' ? 'while serving Slack' : 'while running workflows'})`, async () => {
      expect(await runKillScenario(s, scenario, `U0AIO${String(i).padStart(2, '0')}`)).toEqual([]);
    });
  });
});

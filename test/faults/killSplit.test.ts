/**
 * kill -9 of the worker or of the bot, in production's layout (worker, bot and API processes), at
 * each step of the journeys, then a restart. See support/killScenarios.ts and support/invariants.ts.
 */
import { startFaultStack, type FaultStack } from './support/faultStack';
import { runKillScenario } from './support/killRunner';
import { escalationPolicy, killScenarios } from './support/killScenarios';

let s: FaultStack;
beforeAll(async () => {
  s = await startFaultStack({ layout: 'split', policyEdit: escalationPolicy });
}, 180_000);
afterAll(() => s?.stop());

describe('kill -9 of one process in the split layout', () => {
  killScenarios.forEach((scenario, i) => {
    it(`${scenario.step} (kill the ${scenario.target === 'slack' ? 'bot' : 'worker'})`, async () => {
      expect(await runKillScenario(s, scenario, `U0SPL${String(i).padStart(2, '0')}`)).toEqual([]);
    });
  });
});

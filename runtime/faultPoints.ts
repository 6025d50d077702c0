/**
 * Named points where the fault-injection suite (`npm run test:faults`) stops a keyops process so
 * it can be killed exactly there. A point is armed only by `KEYOPS_FAULT_POINT=<name>` in the
 * process's environment; unarmed (always, in production) `reachFaultPoint` returns at once and
 * does nothing else. Armed, the process says so on stderr and that step waits forever, which is
 * what a process killed at that instant would look like from everywhere else.
 */

/** The steps a test can stop at; each is named in the code that reaches it. */
export const FAULT_POINTS = [
  /** Bot: the modal's request workflow started, the submission not yet acked. */
  'request.afterStart',
  /** Bot: the Reveal click acked, the reveal update not yet sent to the workflow. */
  'reveal.beforeUpdate',
  /** Worker: the reveal activity started, nothing minted yet. */
  'reveal.beforeMint',
  /** Bot: a revocation committed and acked, its follow-up workflow not yet started. */
  'revocation.afterCommit',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Read once: an armed point cannot be switched on in a running process. */
const armed = process.env.KEYOPS_FAULT_POINT;

export function reachFaultPoint(point: FaultPoint): Promise<void> | undefined {
  if (armed !== point) return undefined;
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'fault point reached', point })}\n`);
  return new Promise<void>(() => undefined);
}

/**
 * leakWorkflow: the messages that follow a leaked key, after the bot or the API has revoked it
 * (or, in notify mode, decided to leave it to on-call). Durable, so a Slack outage delays them
 * instead of losing them; one workflow per leak id, so a retried delivery tells nobody twice.
 *
 * - the revocation's own follow-ups (reveal offers ended, lifecycle told, Home refreshed) run as
 *   the usual revocationWorkflow, minus its generic owner notice: the leak notice replaces it;
 * - the poster of a Slack paste is told, visible to them only;
 * - the owner gets a DM: where the key was seen, and Get a replacement (or Revoke, in notify mode);
 * - the leak channel (or on-call, in notify mode without one) hears of it.
 */
import { executeChild } from '@temporalio/workflow';
import { LEAK_ACTOR, type LeakInput } from '../domain/leak';
import { slack } from './proxies';
import { revocationWorkflow, revocationWorkflowId } from './revocation';

export type { LeakInput } from '../domain/leak';

export function leakWorkflowId(leakId: string): string {
  return `leak-${leakId}`;
}

export async function leakWorkflow(input: LeakInput): Promise<void> {
  const steps: Array<Promise<unknown>> = [slack.tellLeakOwner(input), slack.announceLeak(input)];
  if (input.place.kind === 'slack') steps.unshift(slack.tellLeakPoster(input));
  if (input.revocationId) {
    steps.push(
      executeChild(revocationWorkflow, {
        workflowId: revocationWorkflowId(input.revocationId),
        args: [{ revocationId: input.revocationId, actorId: LEAK_ACTOR, notifyOwners: false }],
      }),
    );
  }
  await Promise.all(steps);
}

/**
 * keyRequestWorkflow: one request for a key, from the modal's submit to the end of the one-time
 * display. The request id is derived from the Slack view id and the workflow id from the request
 * id, so a double-submitted modal or a Slack retry cannot start a second request.
 *
 * The plaintext key never passes through here: `revealKey` mints, hashes, stores and shows it in
 * one activity and returns only the masked form. Every "later" is a durable timer, so the display
 * expiry happens even if every process restarted in between.
 */
import { allHandlersFinished, condition, defineQuery, defineUpdate, setHandler, sleep } from '@temporalio/workflow';
import { setUpApproval } from './approval';
import { slack, store, storeNow } from './proxies';

export { approveUpdate, denyUpdate, cancelUpdate, approvalQuery, APPROVAL_REFUSALS } from './approval';
export type { ApprovalRefusal, ApproveArgs, CancelArgs, DecisionResult, DenyArgs } from './approval';

export function keyRequestWorkflowId(requestId: string): string {
  return `key-request-${requestId}`;
}

export interface KeyRequestInput {
  requestId: string;
  keyId: string;
  requesterId: string;
  /** Where the command was typed; the Reveal offer is posted there (or in the app's DM). */
  channelId: string;
  name: string;
  environment: string;
  scopes: string[];
  lifetimeSeconds: number;
  reason: string | null;
  needsApproval: boolean;
  revealWindowSeconds: number;
  displaySeconds: number;
  /** Where the request came from, for the audit log (Slack team and channel). */
  source: string;
}

export interface RevealArgs {
  clickerId: string;
  /** The click's response_url: the only way to replace (and later expire) an ephemeral message. */
  responseUrl: string;
}

export type RevealResult = { outcome: 'REVEALED'; maskedKey: string } | { outcome: 'DELIVERY_FAILED' };

export type KeyRequestPhase =
  | 'recording'
  | 'awaiting_approval'
  | 'denied'
  | 'cancelled'
  | 'timed_out'
  | 'offered'
  | 'revealing'
  | 'revealed'
  | 'display_expired'
  | 'window_closed';

/** Reasons the reveal update is refused; the bot turns them into words for the clicker. */
export const REVEAL_REFUSALS = ['NOT_OWNER', 'NOT_READY', 'IN_PROGRESS', 'ALREADY_REVEALED', 'WINDOW_CLOSED'] as const;
export type RevealRefusal = (typeof REVEAL_REFUSALS)[number];

export const revealUpdate = defineUpdate<RevealResult, [RevealArgs]>('reveal');
export const phaseQuery = defineQuery<KeyRequestPhase>('phase');

export async function keyRequestWorkflow(input: KeyRequestInput): Promise<KeyRequestPhase> {
  let phase: KeyRequestPhase = 'recording';
  let responseUrl: string | null = null;
  // Handlers change the phase between awaits; read it through a function so TypeScript does not
  // narrow it to the last value assigned here.
  const phaseNow = (): KeyRequestPhase => phase;

  setHandler(phaseQuery, () => phase);
  setHandler(
    revealUpdate,
    async (args) => {
      phase = 'revealing';
      const result = await slack.revealKey({ keyId: input.keyId, responseUrl: args.responseUrl, clickerId: args.clickerId });
      if (result.outcome === 'REVEALED') {
        responseUrl = args.responseUrl;
        phase = 'revealed';
      } else {
        phase = 'offered';
      }
      return result;
    },
    { validator: (args) => validateReveal({ args, input, phase }) },
  );

  const approval = setUpApproval(input);

  await store.recordKeyRequest(input);
  const deliver = async (afterApproval: boolean): Promise<void> => {
    // After an approval the requester is waiting: the write runs locally, without server round
    // trips. Self-service keeps its regular activity, so runs already in flight replay unchanged.
    await (afterApproval ? storeNow : store).createPendingKey(input);
    // Open before the offer goes out: its button works as soon as Slack shows it, which can be
    // before the activity reports back.
    phase = 'offered';
    await slack.offerReveal({ keyId: input.keyId, channelId: input.channelId });
  };
  if (input.needsApproval) {
    phase = 'awaiting_approval';
    const outcome = await approval.run();
    if (outcome !== 'approved') {
      phase = outcome;
      await approval.announce();
      await condition(allHandlersFinished);
      return phase;
    }
    // The requester's key first; the approvers' messages right after, not competing with it.
    await deliver(true);
    await approval.announce();
  } else {
    await deliver(false);
  }

  const revealed = await condition(() => phase === 'revealed', input.revealWindowSeconds * 1000);
  // A click that arrived just before the deadline is allowed to finish.
  if (!revealed) await condition(() => phaseNow() !== 'revealing');

  if (phaseNow() === 'revealed' && responseUrl !== null) {
    await sleep(input.displaySeconds * 1000);
    await slack.maskRevealedKey({ keyId: input.keyId, responseUrl });
    phase = 'display_expired';
  } else {
    phase = 'window_closed';
    await slack.closeRevealWindow({ keyId: input.keyId });
  }
  await condition(allHandlersFinished);
  return phase;
}

function validateReveal(options: { args: RevealArgs; input: KeyRequestInput; phase: KeyRequestPhase }): void {
  const refuse = (code: RevealRefusal): never => {
    throw new Error(code);
  };
  if (options.args.clickerId !== options.input.requesterId) refuse('NOT_OWNER');
  switch (options.phase) {
    case 'recording':
    case 'awaiting_approval':
      return refuse('NOT_READY');
    case 'revealing':
      return refuse('IN_PROGRESS');
    case 'revealed':
    case 'display_expired':
      return refuse('ALREADY_REVEALED');
    case 'window_closed':
    case 'denied':
    case 'cancelled':
    case 'timed_out':
      return refuse('WINDOW_CLOSED');
    case 'offered':
      return;
  }
}

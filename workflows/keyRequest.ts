/**
 * keyRequestWorkflow: one request for a key, from the modal's submit to the end of the one-time
 * display. The request id is derived from the Slack view id and the workflow id from the request
 * id, so a double-submitted modal or a Slack retry cannot start a second request.
 *
 * The plaintext key never passes through here: `revealKey` mints, hashes, stores and shows it in
 * one activity and returns only the masked form. Every "later" is a durable timer, so the display
 * expiry happens even if every process restarted in between.
 */
import { allHandlersFinished, condition, defineQuery, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

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
  /** Set when this request is a rotation's new key: the key it replaces. */
  rotatedFromId?: string;
}

export interface RevealArgs {
  clickerId: string;
  /** The click's response_url: the only way to replace (and later expire) an ephemeral message. */
  responseUrl: string;
}

/** What revealKey reports. The update itself only accepts the click (see revealUpdate). */
export type RevealResult = { outcome: 'REVEALED'; maskedKey: string } | { outcome: 'DELIVERY_FAILED' };

export type KeyRequestPhase = 'recording' | 'offered' | 'revealing' | 'revealed' | 'display_expired' | 'window_closed' | 'rejected';

/** Reasons the reveal update is refused; the bot turns them into words for the clicker. */
export const REVEAL_REFUSALS = ['NOT_OWNER', 'NOT_READY', 'IN_PROGRESS', 'ALREADY_REVEALED', 'WINDOW_CLOSED'] as const;
export type RevealRefusal = (typeof REVEAL_REFUSALS)[number];

/**
 * A click on "Reveal key". The update only validates and accepts the click; the key is minted by
 * the workflow's main loop. A handler that awaited the activity would keep the update open across
 * workflow tasks, and the dev server was seen holding such updates' results for 5-10 s.
 */
export const revealUpdate = defineUpdate<{ accepted: true }, [RevealArgs]>('reveal');
export const phaseQuery = defineQuery<KeyRequestPhase>('phase');

/**
 * The steps someone is waiting on (record, offer, reveal) run as local activities: in the worker,
 * inside the workflow task, without a round trip through the server per step. Each is idempotent,
 * so the re-execution a local activity may see after a worker crash changes nothing.
 */
const interactive = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 },
});
/** Steps after long timers: nobody is watching the clock, so ordinary activities. */
const background = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});

export async function keyRequestWorkflow(input: KeyRequestInput): Promise<KeyRequestPhase> {
  let phase: KeyRequestPhase = 'recording';
  let click: RevealArgs | null = null;
  // Handlers change the phase between awaits; read it through a function so TypeScript does not
  // narrow it to the last value assigned here.
  const phaseNow = (): KeyRequestPhase => phase;

  setHandler(phaseQuery, () => phase);
  setHandler(
    revealUpdate,
    (args) => {
      click = args;
      phase = 'revealing';
      return { accepted: true };
    },
    { validator: (args) => validateReveal({ args, input, phase }) },
  );

  await interactive.recordKeyRequest(input);
  if (input.needsApproval) {
    await background.rejectKeyRequest({ requestId: input.requestId, code: 'APPROVAL_NOT_AVAILABLE' });
    phase = 'rejected';
    return phase;
  }

  await interactive.createPendingKey(input);
  // Open for clicks before the offer is posted: the owner can click the moment Slack shows the
  // button, which may be before this workflow hears that the post succeeded.
  phase = 'offered';
  await interactive.offerReveal({ keyId: input.keyId, channelId: input.channelId });

  // Workflow time is deterministic: the window is measured from the request, however many
  // failed deliveries happen in between.
  const windowEndsAt = workflowInfo().startTime.getTime() + input.revealWindowSeconds * 1000;
  let shownVia: string | null = null;
  while (shownVia === null) {
    const clicked = await condition(() => click !== null, Math.max(0, windowEndsAt - Date.now()));
    const current = click as RevealArgs | null;
    if (!clicked || current === null) break;
    const result = await interactive.revealKey({ keyId: input.keyId, responseUrl: current.responseUrl, clickerId: current.clickerId });
    click = null;
    if (result.outcome === 'REVEALED') shownVia = current.responseUrl;
    else phase = 'offered';
  }

  if (shownVia !== null) {
    phase = 'revealed';
    await sleep(input.displaySeconds * 1000);
    await background.maskRevealedKey({ keyId: input.keyId, responseUrl: shownVia });
    phase = 'display_expired';
    // After the key is off the screen, which matters more; the lifecycle's first timer is days
    // away, and start-up reconciliation would start it anyway if this never ran.
    await background.startKeyLifecycle({ keyId: input.keyId });
  } else {
    phase = 'window_closed';
    await background.closeRevealWindow({ keyId: input.keyId });
  }
  await condition(allHandlersFinished);
  return phaseNow();
}

function validateReveal(options: { args: RevealArgs; input: KeyRequestInput; phase: KeyRequestPhase }): void {
  const refuse = (code: RevealRefusal): never => {
    throw new Error(code);
  };
  if (options.args.clickerId !== options.input.requesterId) refuse('NOT_OWNER');
  switch (options.phase) {
    case 'recording':
      return refuse('NOT_READY');
    case 'revealing':
      return refuse('IN_PROGRESS');
    case 'revealed':
    case 'display_expired':
      return refuse('ALREADY_REVEALED');
    case 'window_closed':
    case 'rejected':
      return refuse('WINDOW_CLOSED');
    case 'offered':
      return;
  }
}

/**
 * keyRequestWorkflow: one request for a key, from the modal's submit to the end of the one-time
 * display. The request id is derived from the Slack view id and the workflow id from the request
 * id, so a double-submitted modal or a Slack retry cannot start a second request.
 *
 * The plaintext key never passes through here: `revealKey` mints, hashes, stores and shows it in
 * one activity and returns only the masked form. Every "later" is a durable timer, so the display
 * expiry happens even if every process restarted in between.
 */
import { allHandlersFinished, condition, defineQuery, defineSignal, defineUpdate, patched, setHandler, sleep } from '@temporalio/workflow';
import type { SealedUrl } from '../domain/sealedUrl';
import { setUpApproval } from './approval';
import { interactive, slack, store, storeNow } from './proxies';
import { tellRotationOfReveal } from './rotationReveal';

export { approveUpdate, denyUpdate, cancelUpdate, approvalQuery, APPROVAL_REFUSALS } from './approval';
export type { ApprovalRefusal, ApproveArgs, CancelArgs, DecisionResult, DenyArgs } from './approval';

/**
 * Patch: the key is created and offered in one local activity (createAndOfferKey), a self-service
 * request recorded in it too. Runs from before it keep recordKeyRequest, createPendingKey and
 * offerReveal; once none is left (the reveal window and display time have passed everywhere),
 * deprecatePatch, then drop the old branch and the two old activities.
 */
export const ONE_STEP_OFFER = 'one-step-offer';

/**
 * Patch: a reveal click's response_url must be sealed and bound to this workflow and its clicker
 * (domain/sealedUrl's `sealed:v2:`); the update validator refuses anything else. Runs from before
 * it may still carry an unbound seal or (older still) Slack's plain URL: their reveal and its
 * expiry say `legacy`, and the activity accepts those only on hooks.slack.com. Once no such run is
 * left (a reveal window plus the display time), deprecatePatch and drop `legacy`.
 */
export const BOUND_SEALS = 'bound-seals';

/**
 * Patch: the lifecycle is handed the reveal's surface (sealed), to report the key's first call
 * in the same message while Slack lets keyops replace it. Runs from before it start the lifecycle
 * without it (their first call is reported by DM).
 */
export const FIRST_CALL_SURFACE = 'first-call-surface';

/** domain/sealedUrl's prefix of bound seals (not imported: that module uses node:crypto). */
const BOUND_SEAL_PREFIX = 'sealed:v2:';

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
  /**
   * The click's response_url, the only way to replace (and later expire) an ephemeral message.
   * Sealed by the bot: it stays in this workflow's history for the display time.
   */
  responseUrl: SealedUrl;
}

/**
 * What revealKey reports. REVOKED: the key was revoked before it could be revealed; the offer now
 * says so. The update itself only accepts the click (see revealUpdate).
 */
export type RevealResult = { outcome: 'REVEALED'; maskedKey: string } | { outcome: 'DELIVERY_FAILED' } | { outcome: 'REVOKED' };

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
  | 'window_closed'
  | 'revoked';

/** Reasons the reveal update is refused; the bot turns them into words for the clicker. */
export const REVEAL_REFUSALS = ['UNSEALED', 'NOT_OWNER', 'NOT_READY', 'IN_PROGRESS', 'ALREADY_REVEALED', 'WINDOW_CLOSED', 'REVOKED'] as const;
export type RevealRefusal = (typeof REVEAL_REFUSALS)[number];

/**
 * A click on "Reveal key". The update only validates and accepts the click; the key is minted by
 * the workflow's main loop. A handler that awaited the activity would keep the update open across
 * workflow tasks, and the dev server was seen holding such updates' results for 5-10 s.
 */
export const revealUpdate = defineUpdate<{ accepted: true }, [RevealArgs]>('reveal');
export const phaseQuery = defineQuery<KeyRequestPhase>('phase');
/** Sent by revocationWorkflow: the key was revoked, so an open reveal offer must end without minting. */
export const keyRevokedSignal = defineSignal('keyRevoked');

export async function keyRequestWorkflow(input: KeyRequestInput): Promise<KeyRequestPhase> {
  // First, before any handler can run: the rule for a click's response_url is fixed for the run,
  // and so is the way the offer goes out.
  const boundSeals = patched(BOUND_SEALS);
  const legacy = boundSeals ? {} : { legacy: true };
  // Someone waits on every step up to the key (the requester after submitting, or after an
  // approver's click): local activities, without a server round trip per step, and as few steps
  // as possible. Runs started before the one-step offer keep their three steps.
  const oneStepOffer = patched(ONE_STEP_OFFER);
  const offerFirst = oneStepOffer && !input.needsApproval;

  // A one-step offer is open from the start. It goes out inside the workflow's first task, so a
  // click can reach a worker together with that task (the worker that posted the offer died before
  // reporting it); the SDK validates such a click as soon as the handler below is registered,
  // before the code that follows runs, and must find the offer open.
  let phase: KeyRequestPhase = offerFirst ? 'offered' : 'recording';
  let click: RevealArgs | null = null;
  let revoked = false;
  // Handlers change the phase between awaits; read it through a function so TypeScript does not
  // narrow it to the last value assigned here.
  const phaseNow = (): KeyRequestPhase => phase;
  setHandler(phaseQuery, () => phase);
  setHandler(keyRevokedSignal, () => {
    revoked = true;
  });
  setHandler(
    revealUpdate,
    (args) => {
      click = args;
      phase = 'revealing';
      return { accepted: true };
    },
    { validator: (args) => validateReveal({ args, input, phase, revoked, boundSeals }) },
  );

  const approval = setUpApproval(input);

  if (!offerFirst) await storeNow.recordKeyRequest(input);
  const deliver = async (): Promise<void> => {
    if (oneStepOffer) {
      // Open before the offer goes out: its button works as soon as Slack shows it, which can be
      // before the activity reports back. No key exists before this step, so none can have been
      // revoked; the activity checks the store before it posts. (Without an approval it is open
      // already, and a click may have been taken.)
      if (phaseNow() !== 'revealing') phase = 'offered';
      await interactive.createAndOfferKey(input);
      return;
    }
    await storeNow.createPendingKey(input);
    phase = 'offered';
    if (!revoked) await interactive.offerReveal({ keyId: input.keyId, channelId: input.channelId });
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
    await deliver();
    await approval.announce();
  } else {
    await deliver();
  }

  // The window runs from the offer (an approval can come days after the request), in workflow
  // time, which is deterministic; failed deliveries do not extend it.
  const windowEndsAt = Date.now() + input.revealWindowSeconds * 1000;
  let shownVia: RevealArgs | null = null;
  while (shownVia === null && !revoked) {
    const clicked = await condition(() => click !== null || revoked, Math.max(0, windowEndsAt - Date.now()));
    const current = click as RevealArgs | null;
    if (!clicked || current === null) break;
    const result = await interactive.revealKey({ keyId: input.keyId, responseUrl: current.responseUrl, clickerId: current.clickerId, ...legacy });
    click = null;
    if (result.outcome === 'REVEALED') shownVia = current;
    else if (result.outcome === 'REVOKED') revoked = true;
    else phase = 'offered';
  }

  if (shownVia !== null) {
    phase = 'revealed';
    await tellRotationOfReveal({ newKeyId: input.keyId, rotatedFromId: input.rotatedFromId });
    // Revoked or not, the key is on screen: it still disappears on time.
    await sleep(input.displaySeconds * 1000);
    await slack.maskRevealedKey({ keyId: input.keyId, responseUrl: shownVia.responseUrl, clickerId: shownVia.clickerId, ...legacy });
    phase = 'display_expired';
    // After the key is off the screen, which matters more; the lifecycle's first timer is days
    // away, and start-up reconciliation would start it anyway if this never ran.
    if (patched(FIRST_CALL_SURFACE)) {
      await store.startKeyLifecycle({ keyId: input.keyId, revealSurface: { responseUrl: shownVia.responseUrl, clickerId: shownVia.clickerId, ...legacy } });
    } else {
      await store.startKeyLifecycle({ keyId: input.keyId });
    }
  } else if (revoked) {
    // Nothing was minted; the revocation told the owner, and a late click is refused as REVOKED.
    phase = 'revoked';
  } else {
    phase = 'window_closed';
    await slack.closeRevealWindow({ keyId: input.keyId });
  }
  await condition(allHandlersFinished);
  return phaseNow();
}

function validateReveal(options: { args: RevealArgs; input: KeyRequestInput; phase: KeyRequestPhase; revoked: boolean; boundSeals: boolean }): void {
  const refuse = (code: RevealRefusal): never => {
    throw new Error(code);
  };
  // The bot always seals; anything else was sent to Temporal by someone else, to get a key posted elsewhere.
  const sealed = typeof options.args?.responseUrl === 'string' && options.args.responseUrl.startsWith(BOUND_SEAL_PREFIX);
  if (options.boundSeals && !sealed) refuse('UNSEALED');
  if (options.args.clickerId !== options.input.requesterId) refuse('NOT_OWNER');
  if (options.revoked && options.phase !== 'revealed' && options.phase !== 'display_expired') refuse('REVOKED');
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
    case 'revoked':
      return refuse('REVOKED');
    case 'offered':
      return;
  }
}

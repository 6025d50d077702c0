/**
 * keyRequestWorkflow: one request for a key, from the modal's submit to the end of the one-time
 * display. The request id is derived from the Slack view id and the workflow id from the request
 * id, so a double-submitted modal or a Slack retry cannot start a second request.
 *
 * The plaintext key never passes through here: `revealKey` mints, hashes, stores and shows it in
 * one activity and returns only the masked form. Every "later" is a durable timer, so the display
 * expiry happens even if every process restarted in between.
 */
import { allHandlersFinished, condition, defineQuery, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
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
}

export interface RevealArgs {
  clickerId: string;
  /** The click's response_url: the only way to replace (and later expire) an ephemeral message. */
  responseUrl: string;
}

/** REVOKED: the key was revoked before it could be revealed; the offer now says so. */
export type RevealResult = { outcome: 'REVEALED'; maskedKey: string } | { outcome: 'DELIVERY_FAILED' } | { outcome: 'REVOKED' };

export type KeyRequestPhase = 'recording' | 'offered' | 'revealing' | 'revealed' | 'display_expired' | 'window_closed' | 'rejected' | 'revoked';

/** Reasons the reveal update is refused; the bot turns them into words for the clicker. */
export const REVEAL_REFUSALS = ['NOT_OWNER', 'NOT_READY', 'IN_PROGRESS', 'ALREADY_REVEALED', 'WINDOW_CLOSED', 'REVOKED'] as const;
export type RevealRefusal = (typeof REVEAL_REFUSALS)[number];

export const revealUpdate = defineUpdate<RevealResult, [RevealArgs]>('reveal');
export const phaseQuery = defineQuery<KeyRequestPhase>('phase');
/** Sent by revocationWorkflow: the key was revoked, so an open reveal offer must end without minting. */
export const keyRevokedSignal = defineSignal('keyRevoked');

const slack = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
});
const store = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '10s' },
});

export async function keyRequestWorkflow(input: KeyRequestInput): Promise<KeyRequestPhase> {
  let phase: KeyRequestPhase = 'recording';
  let responseUrl: string | null = null;
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
    async (args) => {
      phase = 'revealing';
      const result = await slack.revealKey({ keyId: input.keyId, responseUrl: args.responseUrl, clickerId: args.clickerId });
      if (result.outcome === 'REVEALED') {
        responseUrl = args.responseUrl;
        phase = 'revealed';
      } else {
        if (result.outcome === 'REVOKED') revoked = true;
        phase = 'offered';
      }
      return result;
    },
    { validator: (args) => validateReveal({ args, input, phase, revoked }) },
  );

  await store.recordKeyRequest(input);
  if (input.needsApproval) {
    await slack.rejectKeyRequest({ requestId: input.requestId, code: 'APPROVAL_NOT_AVAILABLE' });
    phase = 'rejected';
    return phase;
  }

  await store.createPendingKey(input);
  // Offered before the message goes out: its button can be clicked the moment Slack shows it,
  // which may be before this workflow hears that the activity completed.
  phase = 'offered';
  if (!revoked) await slack.offerReveal({ keyId: input.keyId, channelId: input.channelId });

  await condition(() => phase === 'revealed' || revoked, input.revealWindowSeconds * 1000);
  // A click that arrived just before the deadline (or the revocation) is allowed to finish.
  await condition(() => phaseNow() !== 'revealing');

  if (phaseNow() === 'revealed' && responseUrl !== null) {
    // Revoked or not, the key is on screen: it still disappears on time.
    await sleep(input.displaySeconds * 1000);
    await slack.maskRevealedKey({ keyId: input.keyId, responseUrl });
    phase = 'display_expired';
  } else if (revoked) {
    // Nothing was minted; the revocation told the owner, and a late click is refused as REVOKED.
    phase = 'revoked';
  } else {
    phase = 'window_closed';
    await slack.closeRevealWindow({ keyId: input.keyId });
  }
  await condition(allHandlersFinished);
  return phase;
}

function validateReveal(options: { args: RevealArgs; input: KeyRequestInput; phase: KeyRequestPhase; revoked: boolean }): void {
  const refuse = (code: RevealRefusal): never => {
    throw new Error(code);
  };
  if (options.args.clickerId !== options.input.requesterId) refuse('NOT_OWNER');
  if (options.revoked && options.phase !== 'revealed' && options.phase !== 'display_expired') refuse('REVOKED');
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
    case 'revoked':
      return refuse('REVOKED');
    case 'offered':
      return;
  }
}

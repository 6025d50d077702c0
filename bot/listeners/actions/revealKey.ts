/**
 * The "Reveal key" click. Only the owner's click counts; the workflow's update validator gives
 * the truthful answer (second click, closed window), and the key is minted inside the update's
 * activity so the secret never passes through this process's logs or Temporal.
 *
 * The key is only ever shown where it can be taken back: a click in an ephemeral message gets it
 * there, through the click's response_url; a click in a message that stays (the app's DM, where
 * the offer goes when an ephemeral one is refused) or in App Home gets a modal, opened here from
 * the click's trigger_id and blanked after the display time.
 */
import { randomUUID } from 'node:crypto';
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { recordAudit } from '../../../db/audit';
import { findDeliveryKey } from '../../../db/keyRequests';
import { sealUrl, viewTarget } from '../../../domain/sealedUrl';
import { reachFaultPoint } from '../../../runtime/faultPoints';
import { KEY_ID_RE } from '../../../domain/ids';
import { refusalCode, sendUpdateRetrying, UpdateUnavailable } from '../../../temporal/updates';
import { REVEAL_REFUSALS, revealUpdate, type RevealRefusal } from '../../../workflows/keyRequest';
import type { BotDeps } from '../../deps';
import { keyActionPattern } from '../../ids';
import { buildNoticeModal } from '../../views/noticeModal';
import { buildRevealingModal } from '../../views/revealModal';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** How long a click waits for a Temporal that cannot take its update (see temporal/updates.ts). */
const UPDATE_DEADLINE_MS = 45_000;

const REFUSAL_TEXT: Record<RevealRefusal | 'GONE' | 'UNAVAILABLE', string> = {
  // Never for the bot's own clicks, which are always sealed; kept so every refusal has words.
  UNSEALED: 'keyops could not check where to show this key, so it was not created. Click Reveal key again.',
  NOT_OWNER: 'Only the owner of this key can reveal it.',
  NOT_READY: 'This key is still being prepared; try again in a moment.',
  IN_PROGRESS: 'The key is being revealed right now.',
  ALREADY_REVEALED: 'This key was already shown once and cannot be shown again. If you lost it, rotate it with `/apikey rotate <key>`.',
  WINDOW_CLOSED: 'The reveal window for this key has closed, so nothing was created. Run `/apikey new` to ask again.',
  REVOKED: 'This key was revoked before it was revealed, so it was never created. Run `/apikey new` to ask for another.',
  GONE: 'This key no longer exists.',
  UNAVAILABLE: 'keyops could not take your click just now (it is restarting), so nothing was created. Click Reveal key again in a minute.',
};

export function registerRevealKey(app: App, deps: BotDeps): void {
  // The offer's button (`key.reveal`), or a pending key's in `/apikey list` (`key.reveal.<n>`).
  app.action<BlockAction<ButtonAction>>(keyActionPattern('revealKey'), async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const keyId = z.string().regex(KEY_ID_RE).safeParse(action.value);
    // One query (key and request joined): this runs for every click, before the answer.
    const key = keyId.success ? await findDeliveryKey(deps.db, keyId.data) : null;

    let modalId: string | null = null;
    const refuse = async (code: RevealRefusal | 'GONE' | 'UNAVAILABLE'): Promise<void> => {
      // Recorded before the answer: what the clicker sees is already in the audit log.
      await recordAudit(deps.db, { actorId: userId, action: 'key.reveal_refused', targetType: 'key', targetId: key?.id ?? String(action.value).slice(0, 64), source: `slack:${body.team?.id ?? 'unknown'}/${body.channel?.id ?? 'unknown'}`, details: { why: code } });
      if (modalId) await client.views.update({ view_id: modalId, view: buildNoticeModal({ title: 'Your key', text: REFUSAL_TEXT[code] }) });
      else if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text: REFUSAL_TEXT[code] });
      else await client.views.open({ trigger_id: body.trigger_id, view: buildNoticeModal({ title: 'Your key', text: REFUSAL_TEXT[code] }) });
      deps.log.info('reveal refused', { keyId: key?.id, userId, why: code });
    };

    if (!key || !key.request) return refuse('GONE');
    if (key.ownerId !== userId) return refuse('NOT_OWNER');
    if (key.revealedAt) return refuse('ALREADY_REVEALED');
    // A key the system closed has no revocation id; one a person revoked has.
    if (key.status === 'REVOKED' && key.revocationId) return refuse('REVOKED');
    if (key.status !== 'PENDING_REVEAL') return refuse('WINDOW_CLOSED');

    const container = body.container as { type?: string; is_ephemeral?: boolean } | undefined;
    let target = body.response_url;
    if (container?.type !== 'message' || container.is_ephemeral !== true || !target) {
      const opened = await client.views.open({ trigger_id: body.trigger_id, view: buildRevealingModal() });
      modalId = String(opened.view?.id);
      target = viewTarget(modalId);
    }

    await reachFaultPoint('reveal.beforeUpdate');
    const started = Date.now();
    try {
      const responseUrl = sealUrl(target, deps.keyHashSecret, { purpose: 'reveal', workflowId: key.request.workflowId, clickerId: userId });
      // One id for this click's every attempt: Temporal applies it once, however often it is sent.
      const updateId = `reveal:${randomUUID()}`;
      const handle = deps.temporal.workflow.getHandle(key.request.workflowId);
      // The store says the offer is open, so a workflow that answers NOT_READY has not caught up
      // yet (replaying after a restart, or the offer's step not yet on record): send it again.
      await sendUpdateRetrying(() => handle.executeUpdate(revealUpdate, { args: [{ clickerId: userId, responseUrl }], updateId }), {
        deadlineMs: UPDATE_DEADLINE_MS,
        notYet: (error) => refusalCode(error) === 'NOT_READY',
      });
      deps.log.info('reveal accepted', { keyId: key.id, ms: Date.now() - started });
    } catch (error) {
      if (error instanceof UpdateUnavailable) {
        deps.log.error('a reveal click could not reach its workflow; the clicker is told to click again', { keyId: key.id, error: (error.last as Error)?.message });
        return refuse(refusalOf(error.last) ?? 'UNAVAILABLE');
      }
      const refusal = refusalOf(error);
      if (refusal) return refuse(refusal);
      throw error;
    }
  });
}

function refusalOf(error: unknown): RevealRefusal | null {
  if (error instanceof WorkflowNotFoundError) return 'WINDOW_CLOSED';
  const code = refusalCode(error);
  return code !== null && (REVEAL_REFUSALS as readonly string[]).includes(code) ? (code as RevealRefusal) : null;
}

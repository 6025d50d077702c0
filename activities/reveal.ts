/**
 * The one-time delivery of a key. `revealKey` is the only code that ever holds a plaintext key:
 * it mints it, stores its hash, shows it where it can be taken back (the click's ephemeral message,
 * or a modal: see revealSurface.ts) and forgets it. Only
 * the masked form leaves this module, so no workflow payload can carry the secret.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { recordAudit } from '../db/audit';
import { insertKeyRequest, insertPendingKey, loadDeliveryKey } from '../db/keyRequests';
import { replaceUnconfirmedKey, storeMintedKey } from '../db/mintedKeys';
import { reachFaultPoint } from '../runtime/faultPoints';
import type { ActivityDeps } from './deps';
import { postMessageOnce } from './postOnce';
import { isSurfaceGone, openRevealSurface, showOn } from './revealSurface';
import type { SlackMessage } from './slackGateway';
import { mintKey, parseKey } from '../domain/keyFormat';
import { hashKey } from '../domain/keyHash';
import { maskKey } from '../domain/keyMask';
import type { SealContext, SealedUrl } from '../domain/sealedUrl';
import { findEnvironment } from '../domain/policy';
import type { KeyRequestInput, RevealResult } from '../workflows/keyRequest';
import { buildKeyNotHidden } from '../bot/views/revealModal';
import { buildMaskedAfterReveal, buildRevealedKey, buildRevealNotDelivered, buildRevealOffer, buildRevealWindowClosed, buildRevokedBeforeReveal } from '../bot/views/revealMessages';

export function createRevealActivities(deps: ActivityDeps) {
  const { home } = deps;
  const loadKey = (keyId: string, options?: { recorded?: string }) => loadDeliveryKey(deps.db, keyId, options);

  const envTagOf = (environment: string): string => {
    const env = findEnvironment(deps.policy, environment);
    if (!env) throw ApplicationFailure.nonRetryable(`environment "${environment}" is no longer in the policy`);
    return env.tag;
  };

  /** What a reveal click's response_url was sealed for: the key's request workflow, and its clicker. */
  const revealSeal = (key: { id: string; request: { workflowId: string } | null }, clickerId: string): SealContext => {
    if (!key.request) throw ApplicationFailure.nonRetryable(`key ${key.id} has no request to reveal it from`);
    return { purpose: 'reveal', workflowId: key.request.workflowId, clickerId };
  };

  /** The key may still be on the owner's screen: they are told at once (with Rotate), and so is the log and the audit. */
  const reportKeyNotHidden = async (key: { id: string; name: string; ownerId: string; maskedKey: string; request: { channelId: string; workflowId: string } | null }): Promise<void> => {
    deps.log.error('could not hide a revealed key: its response_url is gone; the owner is told to rotate it', { keyId: key.id });
    await recordAudit(deps.db, { actorId: 'system', action: 'key.hide_failed', targetType: 'key', targetId: key.id, source: `workflow:${key.request?.workflowId ?? ''}`, details: { why: 'response_url expired or used up' }, dedupeKey: `hide_failed:${key.id}` });
    await tellOwner({ ownerId: key.ownerId, channelId: key.request?.channelId ?? key.ownerId, message: buildKeyNotHidden({ keyId: key.id, name: key.name, maskedKey: key.maskedKey }) });
  };

  /**
   * Owner-only: ephemeral in the channel of the command, or the app's DM when that is refused (made
   * once under `dedupeKey`; an ephemeral message cannot be, see postOnce.ts).
   */
  const tellOwner = async (options: { ownerId: string; channelId: string; message: SlackMessage; dedupeKey?: string }): Promise<void> => {
    try {
      await deps.slack.postEphemeral({ channel: options.channelId, user: options.ownerId, ...options.message });
    } catch (error) {
      deps.log.warn('ephemeral message refused; sending a DM instead', { channelId: options.channelId, error: (error as Error).message });
      const dm = await deps.slack.openDm({ user: options.ownerId });
      if (options.dedupeKey) await postMessageOnce(deps, { dedupeKey: options.dedupeKey, channel: dm, message: options.message });
      else await deps.slack.postMessage({ channel: dm, ...options.message });
    }
  };

  /** Posts the owner the Reveal offer once: a retry finds it recorded. A revoked key is not offered. */
  const offer = async (options: { keyId: string; channelId: string }): Promise<void> => {
    const dedupeKey = `offered:${options.keyId}`;
    const key = await loadKey(options.keyId, { recorded: dedupeKey });
    if (key.recorded || key.status === 'REVOKED') return;
    // The window runs from the offer (for an approved request, the approval), as the workflow's timer does.
    const offeredAt = deps.clock();
    const message = buildRevealOffer({
      keyId: key.id,
      name: key.name,
      environment: key.environment,
      scopes: key.scopes,
      maskedPreview: `${deps.policy.keyPrefix}_${envTagOf(key.environment)}_…????`,
      lifetimeSeconds: key.request?.lifetimeSeconds ?? 0,
      revealWindowEndsAt: new Date(offeredAt.getTime() + deps.policy.reveal.window * 1000),
    });
    await tellOwner({ ownerId: key.ownerId, channelId: options.channelId, message, dedupeKey });
    await recordAudit(deps.db, { actorId: 'system', action: 'key.reveal_offered', targetType: 'key', targetId: key.id, source: `workflow:${key.request?.workflowId ?? ''}`, dedupeKey });
  };

  return {
    /**
     * Everything between a request the policy lets through and the owner's Reveal button, as one
     * step: a self-service request is recorded here (one that needed approval was recorded when it
     * was asked), its key created as PENDING_REVEAL, and the offer posted. One local activity
     * instead of three: each step of its own cost a workflow activation on the path the requester
     * is waiting on. Retried, it adds nothing: every write and the post happen once.
     */
    async createAndOfferKey(input: KeyRequestInput): Promise<void> {
      const now = deps.clock();
      if (!input.needsApproval) await insertKeyRequest(deps.db, input, now);
      await insertPendingKey(deps.db, input, now);
      home.refresh([input.requesterId]);
      await offer({ keyId: input.keyId, channelId: input.channelId });
    },

    /** The offer alone: kept for key requests started before createAndOfferKey (workflow patch one-step-offer). */
    async offerReveal(options: { keyId: string; channelId: string }): Promise<void> {
      await offer(options);
    },

    /** `legacy`: said only by runs from before bound seals (workflow patch bound-seals). */
    async revealKey(options: { keyId: string; responseUrl: SealedUrl; clickerId: string; legacy?: boolean }): Promise<RevealResult> {
      await reachFaultPoint('reveal.beforeMint');
      const key = await loadKey(options.keyId, { recorded: `revealed:${options.keyId}` });
      // Before anything is minted: only the owner's own click, sealed for this key's workflow, and only to Slack.
      if (options.clickerId !== key.ownerId) throw ApplicationFailure.nonRetryable(`reveal of ${key.id} asked for by someone other than its owner`);
      const surface = openRevealSurface(deps, options.responseUrl, revealSeal(key, options.clickerId), { legacy: options.legacy === true });
      // A retry after the message went out (the activity died before reporting): done already.
      if (key.status === 'ACTIVE' && key.maskedKey && key.recorded) return { outcome: 'REVEALED', maskedKey: key.maskedKey };
      const revokedMeanwhile = async (): Promise<RevealResult> => {
        const { revokedBy } = await deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { revokedBy: true } });
        await showOn(deps, surface, buildRevokedBeforeReveal({ ...key, keyId: key.id, revokedBy }), { hidden: true }).catch((error: unknown) => {
          if (!isSurfaceGone(error)) throw error;
        });
        await recordAudit(deps.db, { actorId: options.clickerId, action: 'key.reveal_refused', targetType: 'key', targetId: key.id, source: 'slack', details: { why: 'REVOKED' } });
        return { outcome: 'REVOKED' };
      };
      if (key.status === 'REVOKED') return revokedMeanwhile();
      if (key.status !== 'PENDING_REVEAL' && key.status !== 'ACTIVE') throw ApplicationFailure.nonRetryable(`key ${key.id} is ${key.status}, not pending reveal`);

      // Active with a masked form but no reveal on record: a run that stopped between storing a key
      // and hearing back from Slack. That key may be on the owner's screen; this one replaces it.
      const replaces = key.status === 'ACTIVE' && key.maskedKey ? key.maskedKey : undefined;
      const plaintext = mintKey({ prefix: deps.policy.keyPrefix, envTag: envTagOf(key.environment) });
      const parsed = parseKey(plaintext);
      if (!parsed.ok) throw new Error('minted key failed its own parse');
      const maskedKey = maskKey(parsed.key);
      const now = deps.clock();
      const expiresAt = new Date(now.getTime() + (key.request?.lifetimeSeconds ?? 0) * 1000);
      // Active before it is shown: the owner may use the key the moment it appears. If Slack
      // refuses the message, the key goes back to pending and its hash is dropped, so a key nobody
      // saw is valid for at most the length of one HTTP call. A key that may already be on screen
      // is kept, revoked, so verification still names it (see db/mintedKeys.ts).
      const keyHash = hashKey({ key: plaintext, secret: deps.keyHashSecret });
      const minted = { keyId: key.id, keyHash, maskedKey, now, expiresAt };
      const stored = replaces ? (await replaceUnconfirmedKey(deps.db, { ...minted, workflowId: key.request?.workflowId ?? '' })) !== null : await storeMintedKey(deps.db, minted);
      if (!stored) return revokedMeanwhile();
      const message = buildRevealedKey({ keyId: key.id, name: key.name, environment: key.environment, scopes: key.scopes, plaintext, maskedKey, expiresAt, displaySeconds: deps.displaySeconds, exampleUrl: deps.policy.quickStart.exampleUrl, replaces });
      try {
        await showOn(deps, surface, message, { hidden: false });
      } catch (error) {
        // Retried or not, this key was never seen: forget it. A retry mints a fresh one.
        await deps.db.apiKey.updateMany({ where: { id: key.id, status: 'ACTIVE', keyHash }, data: { keyHash: null, maskedKey: null, status: 'PENDING_REVEAL', revealedAt: null } });
        if (!isSurfaceGone(error)) throw error;
        const why = surface.kind === 'modal' ? 'the modal was closed before the key was ready' : 'response_url expired or used up';
        await recordAudit(deps.db, { actorId: options.clickerId, action: 'key.reveal_failed', targetType: 'key', targetId: key.id, source: 'slack', details: { why } });
        await tellOwner({ ownerId: key.ownerId, channelId: key.request?.channelId ?? key.ownerId, message: buildRevealNotDelivered({ ...key, keyId: key.id }) });
        return { outcome: 'DELIVERY_FAILED' };
      }
      await recordAudit(deps.db, { actorId: options.clickerId, action: 'key.revealed', targetType: 'key', targetId: key.id, source: 'slack', details: { maskedKey, expiresAt: expiresAt.toISOString() }, dedupeKey: `revealed:${key.id}` });
      home.refresh([key.ownerId]);
      return { outcome: 'REVEALED', maskedKey };
    },

    async maskRevealedKey(options: { keyId: string; responseUrl: SealedUrl; clickerId?: string; legacy?: boolean }): Promise<void> {
      const key = await loadKey(options.keyId);
      const surface = openRevealSurface(deps, options.responseUrl, revealSeal(key, options.clickerId ?? key.ownerId), { legacy: options.legacy === true });
      if (!key.maskedKey) throw ApplicationFailure.nonRetryable(`key ${key.id} has no masked form`);
      const message = buildMaskedAfterReveal({ keyId: key.id, name: key.name, environment: key.environment, scopes: key.scopes, maskedKey: key.maskedKey, expiresAt: key.expiresAt });
      try {
        await showOn(deps, surface, message, { hidden: true });
      } catch (error) {
        if (!isSurfaceGone(error)) throw error;
        // A closed modal took the key with it; a message Slack will no longer let us replace may still show it.
        if (surface.kind === 'message') await reportKeyNotHidden({ ...key, maskedKey: key.maskedKey });
      }
      await recordAudit(deps.db, { actorId: 'system', action: 'key.display_expired', targetType: 'key', targetId: key.id, source: `workflow:${key.request?.workflowId ?? ''}`, dedupeKey: `display_expired:${key.id}` });
    },

    async closeRevealWindow(options: { keyId: string }): Promise<void> {
      const key = await loadKey(options.keyId);
      if (key.status !== 'PENDING_REVEAL') return;
      const dedupeKey = `window_closed:${key.id}`;
      await deps.db.$transaction(async (tx) => {
        await tx.apiKey.update({ where: { id: key.id }, data: { status: 'REVOKED', keyHash: null, revokedAt: deps.clock(), revokedBy: 'system', revokedReason: 'reveal window closed before the key was revealed' } });
        await recordAudit(tx, { actorId: 'system', action: 'key.reveal_window_closed', targetType: 'key', targetId: key.id, source: `workflow:${key.request?.workflowId ?? ''}`, dedupeKey });
      });
      await tellOwner({ ownerId: key.ownerId, channelId: key.request?.channelId ?? key.ownerId, message: buildRevealWindowClosed({ ...key, keyId: key.id }) });
      home.refresh([key.ownerId]);
    },
  };
}

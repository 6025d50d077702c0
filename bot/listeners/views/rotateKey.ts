/**
 * Submission of the Rotate modal. The rotation runs in the old key's lifecycle workflow: the new
 * key is requested there like any key (same name, environment, scopes, lifetime, and approval
 * where the policy asks for it) and the grace period starts at its reveal. The update id comes
 * from the view, so a double submit rotates once.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { parseDuration } from '../../../domain/duration';
import { KEY_ID_RE, newKeyId, requestIdForView } from '../../../domain/ids';
import { findEnvironment, requestNeedsApproval } from '../../../domain/policy';
import { rotateUpdate } from '../../../workflows/keyLifecycle';
import type { KeyRequestInput } from '../../../workflows/keyRequest';
import { checkKeyChange } from '../../access/keyAccess';
import type { BotDeps } from '../../deps';
import { parseMetadata } from '../../forms/metadata';
import { CallbackIds, RotateBlocks } from '../../ids';
import { LIFECYCLE_REFUSAL_TEXT, sendLifecycleUpdate } from '../../lifecycle/lifecycleUpdates';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({ keyId: z.string().regex(KEY_ID_RE), channelId: z.string().regex(/^[CGDU][A-Z0-9]+$/).nullable() });
const stateSchema = z.object({ [RotateBlocks.grace]: z.object({ [RotateBlocks.grace]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }) });

export function registerRotateKeySubmission(app: App, deps: BotDeps): void {
  app.view(CallbackIds.rotateKey, async ({ ack, body, view }: ViewArgs) => {
    const fail = (text: string) => ack({ response_action: 'errors', errors: { [RotateBlocks.grace]: text } });
    const metadata = parseMetadata(metadataSchema, view.private_metadata);
    const state = stateSchema.safeParse(view.state.values);
    const graceSeconds = state.success ? parseDuration(state.data[RotateBlocks.grace]?.[RotateBlocks.grace]?.selected_option?.value ?? '') : null;
    if (!metadata || graceSeconds === null) return fail('This form is out of date; close it and click Rotate again.');
    if (!deps.policy.rotation.graceOptions.includes(graceSeconds)) return fail('Pick one of the grace periods the policy allows.');
    const userId = body.user.id;
    const key = await deps.db.apiKey.findUnique({
      where: { id: metadata.keyId },
      select: { id: true, ownerId: true, name: true, environment: true, scopes: true, status: true, expiresAt: true, graceEndsAt: true, request: { select: { lifetimeSeconds: true } } },
    });
    if (!key) return fail('This key no longer exists.');
    const refusal = await checkKeyChange(deps, { userId, key, verb: 'rotate' });
    if (refusal) return fail(refusal.text);
    if (key.status !== 'ACTIVE' || key.expiresAt <= deps.clock()) return fail(LIFECYCLE_REFUSAL_TEXT.KEY_NOT_ACTIVE);
    const env = findEnvironment(deps.policy, key.environment);
    if (!env) return fail('This key\'s environment is no longer in the policy, so it cannot be rotated; ask for a new key.');

    const requestId = requestIdForView(view.id);
    // The same lifetime as the old key's request, if the policy still allows it.
    const lifetimeSeconds = key.request && env.lifetimes.includes(key.request.lifetimeSeconds) ? key.request.lifetimeSeconds : env.defaultLifetime;
    const request: KeyRequestInput = {
      requestId,
      keyId: newKeyId(),
      // The new key is the owner's, also when an admin rotates it: only they can reveal it.
      requesterId: key.ownerId,
      channelId: metadata.channelId && key.ownerId === userId ? metadata.channelId : key.ownerId,
      name: key.name,
      environment: key.environment,
      scopes: key.scopes,
      lifetimeSeconds,
      reason: `rotation of ${key.id}`,
      needsApproval: requestNeedsApproval(deps.policy, key),
      revealWindowSeconds: deps.policy.reveal.window,
      displaySeconds: deps.displaySeconds,
      source: `slack:${body.team?.id ?? 'unknown'}/${metadata.channelId ?? 'home'}`,
      rotatedFromId: key.id,
    };
    const outcome = await sendLifecycleUpdate(deps, { keyId: key.id, update: rotateUpdate, args: [{ actorId: userId, graceSeconds, request, replyTo: null }], updateId: `rot_${view.id}` });
    if (!outcome.ok) return fail(LIFECYCLE_REFUSAL_TEXT[outcome.refusal]);
    deps.log.info('rotation accepted', { keyId: key.id, userId, graceSeconds, requestId });
    await ack();
  });
}

/**
 * Submission of the Extend modal: checked again against the store and the policy (the key may
 * have changed while the modal was open), then handed to the key's lifecycle workflow, which
 * moves the expiry, re-plans the notices and confirms. The update id comes from the view, so a
 * double submit extends once.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { parseDuration } from '../../../domain/duration';
import { planExtension } from '../../../domain/extension';
import { KEY_ID_RE } from '../../../domain/ids';
import { extendUpdate } from '../../../workflows/keyLifecycle';
import { checkKeyChange } from '../../access/keyAccess';
import type { BotDeps } from '../../deps';
import { parseMetadata } from '../../forms/metadata';
import { CallbackIds, ExtendBlocks } from '../../ids';
import { LIFECYCLE_REFUSAL_TEXT, sendLifecycleUpdate } from '../../lifecycle/lifecycleUpdates';
import { EXTENSION_REFUSAL_TEXT } from '../../views/lifecycleNotices';
import { replyToClick } from '../../forms/replyTo';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({ keyId: z.string().regex(KEY_ID_RE), responseUrl: z.url().nullable() });
const stateSchema = z.object({ [ExtendBlocks.lifetime]: z.object({ [ExtendBlocks.lifetime]: z.object({ selected_option: z.object({ value: z.string() }).nullish() }) }) });

export function registerExtendKeySubmission(app: App, deps: BotDeps): void {
  app.view(CallbackIds.extendKey, async ({ ack, body, view }: ViewArgs) => {
    const fail = (text: string) => ack({ response_action: 'errors', errors: { [ExtendBlocks.lifetime]: text } });
    const metadata = parseMetadata(metadataSchema, view.private_metadata);
    const state = stateSchema.safeParse(view.state.values);
    const lifetimeSeconds = state.success ? parseDuration(state.data[ExtendBlocks.lifetime]?.[ExtendBlocks.lifetime]?.selected_option?.value ?? '') : null;
    if (!metadata || lifetimeSeconds === null) return fail('This form is out of date; close it and click Extend again.');
    const userId = body.user.id;
    const key = await deps.db.apiKey.findUnique({ where: { id: metadata.keyId }, select: { id: true, ownerId: true, environment: true, scopes: true, status: true, expiresAt: true } });
    if (!key) return fail('This key no longer exists.');
    const refusal = await checkKeyChange(deps, { userId, key, verb: 'extend' });
    if (refusal) return fail(refusal.text);
    const plan = planExtension({ policy: deps.policy, key, lifetimeSeconds, now: deps.clock() });
    if (!plan.ok) return fail(EXTENSION_REFUSAL_TEXT[plan.refusal]);

    const extensionId = `ext_${view.id}`;
    const replyTo = replyToClick({ responseUrl: metadata.responseUrl, replaceOriginal: false, secret: deps.keyHashSecret, clickerId: userId });
    const outcome = await sendLifecycleUpdate(deps, { keyId: key.id, update: extendUpdate, args: [{ extensionId, actorId: userId, lifetimeSeconds, replyTo }], updateId: extensionId });
    if (!outcome.ok) return fail(LIFECYCLE_REFUSAL_TEXT[outcome.refusal]);
    deps.log.info('extension accepted', { keyId: key.id, userId, lifetimeSeconds });
    await ack();
  });
}

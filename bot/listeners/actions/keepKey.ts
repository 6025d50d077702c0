/** "Keep" on an unused-key notice: the lifecycle records it and the next notice waits a full period. */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { KEY_ID_RE } from '../../../domain/ids';
import { keepUpdate } from '../../../workflows/keyLifecycle';
import { checkKeyChange } from '../../access/keyAccess';
import type { BotDeps } from '../../deps';
import { keyActionPattern } from '../../ids';
import { LIFECYCLE_REFUSAL_TEXT, sendLifecycleUpdate } from '../../lifecycle/lifecycleUpdates';
import { answerClick } from './answerClick';
import { replyToClick } from '../../forms/replyTo';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerKeepKey(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(keyActionPattern('keepKey'), async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const keyId = z.string().regex(KEY_ID_RE).safeParse(action.value);
    const key = keyId.success ? await deps.db.apiKey.findUnique({ where: { id: keyId.data }, select: { id: true, ownerId: true } }) : null;
    const answer = (text: string) => answerClick({ body, respond, client, title: 'Keep', text });
    if (!key) return answer('This key no longer exists.');
    const refusal = await checkKeyChange(deps, { userId, key, verb: 'keep' });
    if (refusal) return answer(refusal.text);
    // The click's action_ts is the same on Slack's retries of this click: one Keep.
    const keepId = `keep_${key.id}_${action.action_ts}`;
    const replyTo = replyToClick({ responseUrl: body.response_url, replaceOriginal: true, secret: deps.keyHashSecret, clickerId: body.user.id });
    const outcome = await sendLifecycleUpdate(deps, { keyId: key.id, update: keepUpdate, args: [{ keepId, actorId: userId, replyTo }], updateId: keepId });
    if (!outcome.ok) return answer(LIFECYCLE_REFUSAL_TEXT[outcome.refusal]);
  });
}

/** The owner's choices during a rotation's grace period: Revoke old now, Extend grace, Cancel rotation. */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { KEY_ID_RE } from '../../../domain/ids';
import { rotationChoiceUpdate, type RotationChoice } from '../../../workflows/keyLifecycle';
import { checkKeyChange } from '../../access/keyAccess';
import type { BotDeps } from '../../deps';
import { ActionIds } from '../../ids';
import { LIFECYCLE_REFUSAL_TEXT, sendLifecycleUpdate } from '../../lifecycle/lifecycleUpdates';
import { answerClick } from './answerClick';
import { replyToClick } from '../../forms/replyTo';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const valueSchema = z.object({ keyId: z.string().regex(KEY_ID_RE), newKeyId: z.string().regex(KEY_ID_RE) });

const CHOICES: Array<[string, RotationChoice]> = [
  [ActionIds.rotationRevokeOld, 'revoke_old_now'],
  [ActionIds.rotationExtendGrace, 'extend_grace'],
  [ActionIds.rotationCancel, 'cancel'],
];

function parseValue(text: string | undefined): z.infer<typeof valueSchema> | null {
  try {
    const parsed = valueSchema.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function registerRotationChoices(app: App, deps: BotDeps): void {
  for (const [actionId, choice] of CHOICES) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client }: ActionArgs) => {
      await ack();
      const answer = (text: string) => answerClick({ body, respond, client, title: 'Rotation', text });
      const value = parseValue(action.value);
      const key = value ? await deps.db.apiKey.findUnique({ where: { id: value.keyId }, select: { id: true, ownerId: true } }) : null;
      if (!value || !key) return answer('This rotation no longer exists.');
      const refusal = await checkKeyChange(deps, { userId: body.user.id, key, verb: 'rotate' });
      if (refusal) return answer(refusal.text);
      // The click's action_ts is the same on Slack's retries: Extend grace twice must not add twice.
      const choiceId = `${choice}_${value.newKeyId}_${action.action_ts}`;
      const replyTo = replyToClick({ responseUrl: body.response_url, replaceOriginal: true, secret: deps.keyHashSecret, clickerId: body.user.id });
      const outcome = await sendLifecycleUpdate(deps, { keyId: key.id, update: rotationChoiceUpdate, args: [{ choiceId, newKeyId: value.newKeyId, choice, actorId: body.user.id, replyTo }], updateId: choiceId });
      if (!outcome.ok) return answer(LIFECYCLE_REFUSAL_TEXT[outcome.refusal]);
    });
  }
}

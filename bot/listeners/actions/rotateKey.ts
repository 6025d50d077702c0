/** "Rotate" on a key (in a list, on App Home or in an expiry notice) opens the Rotate modal. */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { KEY_ID_RE } from '../../../domain/ids';
import type { BotDeps } from '../../deps';
import { keyActionPattern } from '../../ids';
import { openRotateModal } from '../../keys/openRotateModal';
import { answerClick } from './answerClick';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerRotateKey(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(keyActionPattern('rotateKey'), async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const answer = (text: string) => answerClick({ body, respond, client, title: 'Rotate', text });
    const keyId = z.string().regex(KEY_ID_RE).safeParse(action.value);
    if (!keyId.success) return answer('This button no longer points at a key. Run `/apikey list` again.');
    await openRotateModal({ deps, client, triggerId: body.trigger_id, userId: body.user.id, keyId: keyId.data, channelId: body.channel?.id ?? null, answer });
  });
}

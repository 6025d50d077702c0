/** "Get a replacement" in a leaked key's notice (see bot/leaks/requestReplacement.ts). */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { KEY_ID_RE } from '../../../domain/ids';
import type { BotDeps } from '../../deps';
import { ActionIds } from '../../ids';
import { requestReplacement } from '../../leaks/requestReplacement';
import { answerClick } from './answerClick';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerReplaceLeakedKey(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.replaceLeakedKey, async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const answer = (text: string) => answerClick({ body, respond, client, title: 'Replacement', text });
    const keyId = z.string().regex(KEY_ID_RE).safeParse(action.value);
    if (!keyId.success) return answer('This button no longer points at a key. `/apikey new` asks for a new one.');
    const channelId = body.channel?.id ?? body.user.id;
    await requestReplacement({ deps, userId: body.user.id, keyId: keyId.data, channelId, teamId: body.team?.id ?? 'unknown', answer });
  });
}

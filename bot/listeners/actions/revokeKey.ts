/**
 * Any "Revoke" button (value: a key id) opens the same confirmation as `/apikey revoke <id>`.
 * Messages that show keys (candidates of a masked form today; lists and notices later) only need
 * to carry a button with a revokeActionId and the key id.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { KEY_ID_RE } from '../../../domain/ids';
import type { BotDeps } from '../../deps';
import { REVOKE_ACTION_RE } from '../../ids';
import { confirmRevocation } from '../../revocation/confirmRevocation';
import type { Message } from '../../views/revealMessages';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerRevokeKey(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(REVOKE_ACTION_RE, async ({ ack, body, action, client, respond }: ActionArgs) => {
    await ack();
    const keyId = z.string().regex(KEY_ID_RE).safeParse(action.value);
    const reply = async (message: Message | string): Promise<void> => {
      await respond({ response_type: 'ephemeral', replace_original: false, ...(typeof message === 'string' ? { text: message } : message) });
    };
    if (!keyId.success) return reply('This button no longer points at a key. Run `/apikey revoke <key>` instead.');
    const channelId = body.channel?.id ?? body.user.id;
    await confirmRevocation({
      deps,
      client,
      triggerId: body.trigger_id,
      userId: body.user.id,
      channelId,
      source: `slack:${body.team?.id ?? 'unknown'}/${channelId}`,
      target: { kind: 'id', keyId: keyId.data },
      via: 'button',
      reply,
    });
  });
}

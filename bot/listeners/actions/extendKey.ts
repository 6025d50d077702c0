/**
 * "Extend" on a key (in a list, on App Home or in an expiry notice): checks what can be checked
 * now (who clicked, the key's state, the policy) and opens the Extend modal, or says why not.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { recordAudit } from '../../../db/audit';
import { formatDuration } from '../../../domain/duration';
import { extensionChoices, extensionNeedsApproval } from '../../../domain/extension';
import { KEY_ID_RE } from '../../../domain/ids';
import { findEnvironment } from '../../../domain/policy';
import { checkKeyChange } from '../../access/keyAccess';
import type { BotDeps } from '../../deps';
import { keyActionPattern } from '../../ids';
import { buildExtendModal } from '../../views/extendModal';
import { EXTENSION_REFUSAL_TEXT } from '../../views/lifecycleNotices';
import { answerClick } from './answerClick';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerExtendKey(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(keyActionPattern('extendKey'), async ({ ack, body, action, respond, client }: ActionArgs) => {
    await ack();
    const userId = body.user.id;
    const keyId = z.string().regex(KEY_ID_RE).safeParse(action.value);
    const key = keyId.success
      ? await deps.db.apiKey.findUnique({ where: { id: keyId.data }, select: { id: true, ownerId: true, name: true, maskedKey: true, environment: true, scopes: true, status: true, expiresAt: true } })
      : null;
    const refuse = async (why: string, text: string): Promise<void> => {
      if (key) await recordAudit(deps.db, { actorId: userId, action: 'key.extend_refused', targetType: 'key', targetId: key.id, source: `slack:${body.team?.id ?? 'unknown'}`, details: { why } });
      await answerClick({ body, respond, client, title: 'Extend', text });
    };
    if (!key) return refuse('GONE', 'This key no longer exists.');
    const refusal = await checkKeyChange(deps, { userId, key, verb: 'extend' });
    if (refusal) return refuse(refusal.why, refusal.text);
    const now = deps.clock();
    if (key.status !== 'ACTIVE' || key.expiresAt <= now) return refuse('NOT_ACTIVE', EXTENSION_REFUSAL_TEXT.NOT_ACTIVE);
    if (extensionNeedsApproval({ policy: deps.policy, key })) return refuse('NEEDS_APPROVAL', EXTENSION_REFUSAL_TEXT.NEEDS_APPROVAL);
    const choices = extensionChoices({ policy: deps.policy, key, now });
    if (choices.length === 0) {
      const longest = Math.max(...(findEnvironment(deps.policy, key.environment)?.lifetimes ?? [0]));
      return refuse('AT_MAXIMUM', `This key already expires as late as the policy allows: ${key.environment} keys live at most ${formatDuration(longest)} from today.`);
    }
    await client.views.open({ trigger_id: body.trigger_id, view: buildExtendModal({ key, choices, responseUrl: body.response_url ?? null }) });
  });
}

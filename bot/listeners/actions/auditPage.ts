/** "Older" under an `/apikey audit` page: the next page, with the access checked again. */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parseAuditCursor, showAudit } from '../../audit/showAudit';
import type { BotDeps } from '../../deps';
import { ActionIds } from '../../ids';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function registerAuditPage(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.auditPage, async ({ ack, body, action, respond }: ActionArgs) => {
    await ack();
    const cursor = parseAuditCursor(action.value);
    if (!cursor) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: 'This page is out of date. Run `/apikey audit` again.' }));
    const source = `slack:${body.team?.id ?? ''}/${body.channel?.id ?? ''}`;
    await showAudit({ deps, userId: body.user.id, source, ...cursor, reply: async (message) => void (await respond({ response_type: 'ephemeral', replace_original: true, ...(typeof message === 'string' ? { text: message } : message) })) });
  });
}

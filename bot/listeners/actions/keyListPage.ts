/** "Previous" / "Next" under a key list: replaces the message with that page. */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { canSeeAnyKey } from '../../access/keyAccess';
import type { BotDeps } from '../../deps';
import { ActionIds } from '../../ids';
import { loadKeyListMessage } from '../../keys/keyListMessage';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const cursorSchema = z.object({ ownerId: z.string().regex(/^[UW][A-Z0-9]+$/), page: z.number().int().min(0).max(100_000) });
const PAGE_ACTION_RE = new RegExp(`^${ActionIds.keyListPage.replace('.', '\\.')}\\.(prev|next)$`);

export function registerKeyListPage(app: App, deps: BotDeps): void {
  app.action<BlockAction<ButtonAction>>(PAGE_ACTION_RE, async ({ ack, body, action, respond }: ActionArgs) => {
    await ack();
    let cursor: z.infer<typeof cursorSchema> | null = null;
    try {
      const parsed = cursorSchema.safeParse(JSON.parse(action.value ?? ''));
      cursor = parsed.success ? parsed.data : null;
    } catch {
      cursor = null;
    }
    const viewerId = body.user.id;
    if (!cursor) return void (await respond({ response_type: 'ephemeral', replace_original: false, text: 'This list is out of date. Run `/apikey list` again.' }));
    // Checked again on every page: the buttons are only as trustworthy as the client that sends them.
    if (cursor.ownerId !== viewerId && !(await canSeeAnyKey(deps, viewerId))) {
      return void (await respond({ response_type: 'ephemeral', replace_original: false, text: 'Only admins and viewers can list another person\'s keys.' }));
    }
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await loadKeyListMessage(deps, { ownerId: cursor.ownerId, viewerId, page: cursor.page })) });
  });
}

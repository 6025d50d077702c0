/** Picking another environment in the new-key modal swaps in the lifetimes that environment allows. */
import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs, StaticSelectAction } from '@slack/bolt';
import type { BotDeps } from '../../deps';
import { NewKeyBlocks } from '../../ids';
import { parseNewKeyMetadata } from '../../forms/newKeyForm';
import { buildNewKeyModal } from '../../views/newKeyModal';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

export function registerNewKeyEnvironment(app: App, deps: BotDeps): void {
  app.action<BlockAction<StaticSelectAction>>({ block_id: NewKeyBlocks.environment, action_id: NewKeyBlocks.environment }, async ({ ack, body, action, client }: ActionArgs) => {
    await ack();
    const view = body.view;
    const metadata = view ? parseNewKeyMetadata(view.private_metadata) : null;
    if (!view || !metadata) return;
    await client.views.update({
      view_id: view.id,
      hash: view.hash,
      view: buildNewKeyModal({ policy: deps.policy, channelId: metadata.channelId, environment: action.selected_option.value }),
    });
  });
}

/**
 * Opening the app's Home tab publishes the dashboard as it is now. Later changes (a key revealed,
 * extended, expired, rotated) publish it again from the activities that make them.
 */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { loadAppHomeView } from '../../keys/appHomeView';
import type { BotDeps } from '../../deps';

type EventArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

export function registerAppHomeOpened(app: App, deps: BotDeps): void {
  app.event('app_home_opened', async ({ event, client }: EventArgs) => {
    // The Messages tab fires this event too; only the Home tab shows the dashboard.
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: await loadAppHomeView(deps, event.user) });
    deps.log.info('app home published', { userId: event.user });
  });
}

/**
 * Every message in a conversation keyops is in is scanned for keys (see domain/keyScan.ts). Bolt
 * acks Events API requests before any listener runs, so the scan is never on Slack's 3-second path;
 * it is kept cheap anyway, because it runs for every message and shares the event loop with the
 * acks of commands and clicks.
 *
 * A live key found goes down the one leak path (leaks/handleLeak.ts): revoked (or reported, per
 * `leaks.onSlackPaste`), audited, and the poster, the owner and the leak channel told by the leak
 * workflow. A key that is not live gets one sentence to the poster and nothing else.
 */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { createKeyScanner } from '../../../domain/keyScan';
import { handleLeakedKeys } from '../../../leaks/handleLeak';
import type { BotDeps } from '../../deps';
import { findPastedKeys, parseSighting } from '../../leaks/messageText';
import { createSlackPlaceNamer } from '../../leaks/slackPlace';
import { NOT_LIVE_TEXT } from '../../views/leakMessages';

type EventArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

export function registerMessagePosted(app: App, deps: BotDeps): void {
  const scanner = createKeyScanner({ prefix: deps.policy.keyPrefix });
  const namer = createSlackPlaceNamer();
  app.event('message', async ({ event, body, client }: EventArgs) => {
    const keys = findPastedKeys(scanner, event as unknown as Record<string, unknown>);
    if (keys.length === 0) return;
    const sighting = parseSighting(event);
    if (!sighting) return deps.log.warn('a message with a key-shaped text had an unexpected shape; ignored', { subtype: (event as { subtype?: string }).subtype });

    // Naming the channel and the poster costs two Slack calls: they run while the keys are looked up.
    const place = namer.describe({ client, teamId: body.team_id ?? 'unknown', ...sighting });
    place.catch(() => undefined);
    const outcomes = await handleLeakedKeys(deps, { keys, action: deps.policy.leaks.onSlackPaste, describePlace: () => place });
    deps.log.info('keys found in a message', { channelId: sighting.channelId, messageTs: sighting.messageTs, outcomes });
    // Live keys are answered by the leak workflow; only when none was live does the poster hear it here.
    if (outcomes.some((o) => o === 'revoked' || o === 'reported')) return;
    await client.chat.postEphemeral({ channel: sighting.channelId, user: sighting.userId, text: NOT_LIVE_TEXT });
  });
}

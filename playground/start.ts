/**
 * The playground: with no Slack credentials, `npm start` plays Slack for its own Bolt app. The
 * Slack stand-in (playground/slack) answers keyops's Web API calls and response URLs on a port of
 * its own on 127.0.0.1; the page, served on keyops's port, sends the person's commands and clicks
 * into Bolt as signed requests, exactly as Slack would.
 *
 * Two phases, because the requests go to keyops's URL, which exists only once keyops listens:
 * start it (keyops gets its Slack settings and routes from it), then connect it to keyops's URL.
 */
import { randomBytes } from 'node:crypto';
import type { RouteHandler } from '../api/routes';
import { SLACK_EVENTS_PATH, type SlackConfig } from '../bot/app';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import { createInteractions } from './interactions';
import { castFromPolicy } from './personas';
import { createPlaygroundRoutes, type SessionInfo } from './routes';
import { createSlackDriver, startFakeSlack, type SlackDriver } from './slack';
import { DEMO_CHANNEL } from './snapshot';

export interface Playground {
  /** What keyops's Bolt app and activities use in place of Slack's credentials. */
  slack: SlackConfig;
  routes: RouteHandler;
  connect(options: { keyopsUrl: string }): void;
  /** Before keyops's HTTP server closes: open live-update streams would keep it waiting. */
  endStreams(): void;
  stop(): Promise<void>;
}

export async function startPlayground(options: { policy: Policy; verifyApiToken: string | undefined; displaySeconds: number; log: Logger; anyHost?: boolean }): Promise<Playground> {
  const cast = castFromPolicy(options.policy);
  const fake = await startFakeSlack({
    // Random per run: nothing but this process can call the stand-in as keyops.
    botToken: `xoxb-playground-${randomBytes(16).toString('hex')}`,
    users: Object.fromEntries(cast.personas.map((p) => [p.id, { name: p.name }])),
    usergroups: cast.usergroups,
  });
  const signingSecret = randomBytes(32).toString('hex');
  let driver: SlackDriver | null = null;
  let keyopsUrl = '';
  const session = (): SessionInfo => ({
    personas: cast.personas,
    placeholders: cast.placeholders,
    groups: Object.fromEntries(Object.keys(cast.usergroups).map((id) => [id, id.slice(2).toLowerCase() || id])),
    channel: DEMO_CHANNEL,
    verify: { url: `${keyopsUrl}/v1/keys/verify`, token: options.verifyApiToken ?? null },
    displaySeconds: options.displaySeconds,
  });
  const interactions = createInteractions({
    fake,
    driver: () => {
      if (!driver) throw new Error('keyops is still starting');
      return driver;
    },
  });
  const { routes, closeStreams } = createPlaygroundRoutes({ fake, interactions, session, log: options.log, anyHost: options.anyHost ?? false });
  return {
    slack: { botToken: fake.botToken, signingSecret, apiUrl: fake.apiUrl },
    routes,
    connect: (o) => {
      keyopsUrl = o.keyopsUrl;
      driver = createSlackDriver({ fake, url: `${o.keyopsUrl}${SLACK_EVENTS_PATH}`, signingSecret });
    },
    endStreams: closeStreams,
    stop: async () => {
      closeStreams();
      await fake.close();
    },
  };
}

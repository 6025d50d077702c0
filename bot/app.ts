/**
 * The Slack surface: a Bolt app on the HTTP receiver (POST /slack/events), or on Socket Mode when
 * SLACK_APP_TOKEN is set. The HTTP receiver's request listener is mounted on keyops's own HTTP
 * server (see runtime/httpServer.ts) so Slack, health and the API share one port.
 */
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import { isKeyopsError } from '../domain/errors';
import { countSlackCalls } from '../activities/slackCallMetrics';
import { ackFirst } from './ackFirst';
import { boltLogger } from './boltLogger';
import { createMembershipCheck } from './access/membership';
import { membershipGate } from './access/membershipGate';
import type { BotDeps } from './deps';
import { registerActions } from './listeners/actions';
import { registerCommands } from './listeners/commands';
import { registerEvents } from './listeners/events';
import { registerViews } from './listeners/views';

export const SLACK_EVENTS_PATH = '/slack/events';

/** HTTP mode needs the signing secret; Socket Mode (appToken) does not, Slack signs no socket messages. */
export interface SlackConfig {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
}

export interface SlackApp {
  app: App;
  /** Set in HTTP mode: mount it at SLACK_EVENTS_PATH. */
  requestListener: RequestListener | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackApp(options: { slack: SlackConfig; deps: BotDeps }): SlackApp {
  const logger = boltLogger(options.deps.log.child({ name: 'bolt' }));
  const clientOptions = options.slack.apiUrl ? { slackApiUrl: options.slack.apiUrl } : {};
  const { appToken, signingSecret } = options.slack;
  if (!appToken && !signingSecret) throw new Error('Slack over HTTP needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  const receiver = appToken
    ? new SocketModeReceiver({ appToken, logger, installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: signingSecret as string, endpoints: SLACK_EVENTS_PATH, logger, unhandledRequestTimeoutMillis: 2900 });
  // No conversation store: keyops keeps its state in PostgreSQL and Temporal, and the store's
  // per-request middleware only costs time on the ack path. Every ack goes before other work
  // after acks (bot/ackFirst.ts).
  const app = new App({ token: options.slack.botToken, receiver: ackFirst(receiver), logger, clientOptions, convoStore: false });

  // Listeners keep working after ack() (opening modals, waiting on workflows). Shutdown waits for
  // them, so a SIGTERM does not cut a reveal or a revocation in half.
  const inFlight = trackInFlight();
  app.use(async ({ next }) => inFlight.run(next));
  // Guests and other workspaces are turned away here, before any listener: every surface at once.
  const membership = createMembershipCheck({
    log: options.deps.log,
    directory: {
      memberOf: async (userId) => {
        const { user } = await app.client.users.info({ user: userId });
        if (!user?.team_id) throw new Error('users.info answered without a user');
        return { teamId: user.team_id, restricted: user.is_restricted === true, ultraRestricted: user.is_ultra_restricted === true };
      },
      workspaceTeamId: async () => {
        const { team_id: teamId } = await app.client.auth.test();
        if (!teamId) throw new Error('auth.test answered without a team');
        return teamId;
      },
    },
  });
  app.use(membershipGate({ membership, db: options.deps.db }));
  app.use(async ({ client, next }) => {
    countSlackCalls(client);
    await next();
  });

  registerCommands(app, options.deps);
  registerActions(app, options.deps);
  registerViews(app, options.deps);
  registerEvents(app, options.deps);
  app.error(async (error) => {
    // Expected failures were answered where they happened; this is the one place the rest land.
    const original = (error as { original?: unknown }).original ?? error;
    const level = isKeyopsError(original) ? 'warn' : 'error';
    options.deps.log[level]('slack listener failed', { error: original });
  });

  const isSocket = receiver instanceof SocketModeReceiver;
  return {
    app,
    requestListener: isSocket ? null : (receiver as HTTPReceiver).requestListener,
    start: async () => {
      if (isSocket) await app.start();
    },
    stop: async () => {
      if (isSocket) await app.stop();
      const drained = await inFlight.drain(10_000);
      if (!drained) options.deps.log.warn('stopping with Slack listeners still running', { running: inFlight.count() });
    },
  };
}

function trackInFlight() {
  let running = 0;
  let waiters: Array<() => void> = [];
  return {
    count: () => running,
    async run(next: () => Promise<void>): Promise<void> {
      running += 1;
      try {
        await next();
      } finally {
        running -= 1;
        if (running === 0) {
          waiters.forEach((wake) => wake());
          waiters = [];
        }
      }
    },
    drain(timeoutMs: number): Promise<boolean> {
      if (running === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}

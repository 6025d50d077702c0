import path from 'node:path';
import type { SlackConfig } from '../bot/app';
import type { Env } from './env';

export const MANIFEST_FILE = path.join('slack', 'manifest.yaml');
export const SOCKET_MODE_MANIFEST_FILE = path.join('slack', 'manifest.socket-mode.yaml');

/**
 * Slack is optional at start-up: without credentials keyops runs everything else. Socket Mode
 * (SLACK_APP_TOKEN) needs no signing secret: Slack signs HTTP requests, and there are none.
 */
export function slackConfigFrom(env: Env): SlackConfig | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  if (env.SLACK_APP_TOKEN) return { botToken: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN, apiUrl: env.SLACK_API_URL };
  if (!env.SLACK_SIGNING_SECRET) return null;
  return { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, apiUrl: env.SLACK_API_URL };
}

export function slackSetupHint(env: Env): string {
  const missing = (names: ReadonlyArray<'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN'>): string => names.filter((name) => !env[name]).join(' and ');
  return (
    `Slack is not connected: set ${missing(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'])} (HTTP: the app from ${MANIFEST_FILE}), ` +
    `or ${missing(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN'])} (Socket Mode, no public URL: the app from ${SOCKET_MODE_MANIFEST_FILE}). ` +
    'Create the app at https://api.slack.com/apps ("From an app manifest") and install it; the README walks through it. Everything else is running.'
  );
}

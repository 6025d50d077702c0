import path from 'node:path';
import type { SlackConfig } from '../bot/app';
import type { Env } from './env';

export const MANIFEST_FILE = path.join('slack', 'manifest.yaml');

/** Slack is optional at start-up: without credentials keyops runs everything else. */
export function slackConfigFrom(env: Env): SlackConfig | null {
  if (!env.SLACK_BOT_TOKEN || !env.SLACK_SIGNING_SECRET) return null;
  return { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, appToken: env.SLACK_APP_TOKEN, apiUrl: env.SLACK_API_URL };
}

export function slackSetupHint(env: Env): string {
  const missing = (['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'] as const).filter((name) => !env[name]);
  return (
    `Slack is not connected: set ${missing.join(' and ')} (and SLACK_APP_TOKEN for Socket Mode). ` +
    `Create the app from ${MANIFEST_FILE} at https://api.slack.com/apps ("From an app manifest"), install it, ` +
    'then copy the Bot User OAuth Token (xoxb-…) and the Signing Secret. Everything else is running.'
  );
}

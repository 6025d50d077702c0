/**
 * What every Web API handler gets: the shared state plus the workspace identity.
 *
 * Kept separate so handler files depend on this small interface rather than on
 * the FakeSlack class (which depends on them), avoiding an import cycle.
 */
import type { SlackState } from './state';
import type { FakeUser, Obj, SlackError } from './types';

export const BOT_USER_ID = 'U0BOT';
export const BOT_ID = 'B0BOT';
export const APP_ID = 'A0KEYOPS';
export const TEAM_DOMAIN = 'test';

export interface ApiContext {
  state: SlackState;
  teamId: string;
  users: Map<string, FakeUser>;
  usergroups: Map<string, string[]>;
}

export type Handler = (args: Obj, ctx: ApiContext) => Obj;

export const slackError = (error: string): SlackError => ({ ok: false, error });

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Form encoding turns booleans into "true"/"false"; JSON bodies keep real booleans. */
export const truthy = (value: unknown): boolean => value === true || value === 'true';

export function userName(ctx: Pick<ApiContext, 'users'>, userId: string): string {
  return ctx.users.get(userId)?.name ?? userId.toLowerCase();
}

import type { Db } from '../db/client';
import type { Policy } from '../domain/policy';
import type { Logger } from '../runtime/log';
import type { RoleResolver } from '../bot/access/roles';
import type { KeyLifecycles } from '../temporal/keyLifecycles';
import type { HomeRefresher } from './home';
import type { SlackGateway } from './slackGateway';

/** What activities may touch; injected so tests use the real Postgres and a fake Slack. */
export interface ActivityDeps {
  db: Db;
  slack: SlackGateway;
  clock: () => Date;
  policy: Policy;
  keyHashSecret: string;
  displaySeconds: number;
  log: Logger;
  /** Expands approver groups (Slack user groups); unreadable groups count as empty. */
  roles: RoleResolver;
  /** To start a key's lifecycle when it becomes active, and to tell it about changes. */
  lifecycles: KeyLifecycles;
  /** Republishes App Home tabs after a change, coalesced and off the activity's path. */
  home: HomeRefresher;
}

/**
 * Activities as a worker builds them, for activity tests: a copy of the migrated database, the real
 * WebClient against a fake Slack, and lifecycles that are never started.
 */
import { createWorkerActivities, type Activities } from '../../activities';
import { createSlackGateway } from '../../activities/slackGateway';
import { createDb, type Db } from '../../db/client';
import type { Policy } from '../../domain/policy';
import { createLogger } from '../../runtime/log';
import { createTestDatabase } from './databases';
import { startFakeSlack, type FakeSlack } from '../../playground/slack';
import { idleLifecycles } from './lifecycles';

export interface ActivityEnv {
  db: Db;
  fake: FakeSlack;
  activities: Activities;
  stop(): Promise<void>;
}

export async function startActivityEnv(options: { policy: Policy; keyHashSecret: string }): Promise<ActivityEnv> {
  const database = await createTestDatabase();
  const db = createDb({ databaseUrl: database.url });
  const fake = await startFakeSlack();
  const slack = createSlackGateway({ botToken: fake.botToken, apiUrl: fake.apiUrl });
  const log = createLogger({ name: 'test', sink: () => undefined });
  const { activities, home } = createWorkerActivities({
    db,
    slack,
    clock: () => new Date(),
    policy: options.policy,
    keyHashSecret: options.keyHashSecret,
    displaySeconds: 120,
    log,
    lifecycles: idleLifecycles,
  });
  return {
    db,
    fake,
    activities,
    async stop() {
      await home.drain();
      await db.$disconnect();
      await fake.close();
      await database.drop();
    },
  };
}

/** startActivityEnv for one test file: made in beforeAll, stopped in afterAll. Read it inside tests. */
export function useActivityEnv(options: { policy: Policy; keyHashSecret: string }): Omit<ActivityEnv, 'stop'> {
  let env: ActivityEnv | undefined;
  beforeAll(async () => {
    env = await startActivityEnv(options);
  });
  afterAll(async () => {
    await env?.stop();
  });
  const current = (): ActivityEnv => {
    if (!env) throw new Error('useActivityEnv: the environment is made in beforeAll; use it inside tests');
    return env;
  };
  return {
    get db() {
      return current().db;
    },
    get fake() {
      return current().fake;
    },
    get activities() {
      return current().activities;
    },
  };
}

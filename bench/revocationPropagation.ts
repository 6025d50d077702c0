/**
 * Revocation propagation: two verification API processes (bin/api.ts, as in production) keep a
 * key cached; an on-call responder confirms its revocation in Slack (the fake Slack driving the
 * real Bolt app of a third process, this one); the sample is the time from the confirmation's
 * submission until both processes answer REVOKED. Repeated once per key, one at a time.
 */
import { performance } from 'node:perf_hooks';
import { CallbackIds, RevokeBlocks } from '../bot/ids';
import type { Policy } from '../domain/policy';
import { startKeyops } from '../runtime/keyops';
import type { Logger } from '../runtime/log';
import { startApiProcess, type ApiProcess } from '../test/support/apiProcess';
import { createSlackDriver, startFakeSlack } from '../playground/slack';
import { KEY_HASH_SECRET, SIGNING_SECRET, VERIFY_TOKEN } from '../test/support/keyopsHarness';
import { createDevServerEnv } from '../test/support/temporal';
import { createBenchDatabase, seedKeys } from './benchDatabase';

const PAGER = 'U0BENCHPAGER';

export interface PropagationSamples {
  /** Confirmation submitted → both API processes answer REVOKED. */
  revoked: number[];
  /** Confirmation submitted → Slack has the bot's answer (sent after the commit). */
  confirmed: number[];
}

export async function measurePropagation(options: { policy: Policy; revocations: number; log: Logger; say: (line: string) => void }): Promise<PropagationSamples> {
  const { say } = options;
  const policy: Policy = { ...options.policy, roles: { ...options.policy.roles, oncall: ['S0BENCHONCALL'] } };
  const database = await createBenchDatabase();
  const temporal = await createDevServerEnv();
  const fake = await startFakeSlack();
  fake.setUsergroup('S0BENCHONCALL', [PAGER]);
  const apis: ApiProcess[] = [];
  const keyops = await startKeyops({
    roles: { bot: true, worker: true, api: false },
    databaseUrl: database.url,
    temporal: { address: temporal.address, namespace: temporal.namespace ?? 'default' },
    policy,
    slack: { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl },
    keyHashSecret: KEY_HASH_SECRET,
    verifyApiToken: VERIFY_TOKEN,
    displaySeconds: 120,
    port: 0,
    host: '127.0.0.1',
    log: options.log,
    migrate: false,
  });
  try {
    say('starting two API processes…');
    apis.push(...(await Promise.all([1, 2].map(() => startApiProcess({ databaseUrl: database.url, temporalAddress: temporal.address })))));
    const env = policy.environments[0] as Policy['environments'][number];
    const keys = await seedKeys({ databaseUrl: database.url, count: options.revocations, ownerId: 'U0BENCHOWNER', prefix: policy.keyPrefix, envTag: env.tag, environment: env.name, secret: KEY_HASH_SECRET });
    const driver = createSlackDriver({ fake, url: `${keyops.url as string}/slack/events`, signingSecret: SIGNING_SECRET });
    const samples: PropagationSamples = { revoked: [], confirmed: [] };
    say(`${keys.length} revocations through Slack…`);
    for (const { id, key } of keys) {
      for (const api of apis) for (let i = 0; i < 2; i++) if ((await api.verify(key)).code !== 'VALID') throw new Error('a seeded key did not verify');
      const before = fake.openViewFor(PAGER)?.id;
      await driver.sendCommand({ userId: PAGER, channelId: 'C0BENCH', text: `revoke ${id}` });
      const view = await fake.waitFor(() => {
        const v = fake.openViewFor(PAGER);
        return v && v.id !== before && v.callbackId === CallbackIds.revokeKeys ? v : undefined;
      });
      const start = performance.now();
      const submitted = driver.submitView({ userId: PAGER, view, values: { [RevokeBlocks.reason]: 'benchmark' } }).then((result) => {
        if (!JSON.stringify(result.json).includes('"update"')) throw new Error('the revocation was not confirmed');
        return performance.now() - start;
      });
      const times = await Promise.all(apis.map((api) => timeUntilRevoked({ api, key, start })));
      samples.confirmed.push(await submitted);
      samples.revoked.push(Math.max(...times));
    }
    return samples;
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
    await keyops.stop();
    await fake.close();
    await temporal.teardown();
    await database.drop();
  }
}

/** Polls every 2 ms: tighter polling would mostly take CPU from the processes being measured. */
async function timeUntilRevoked(options: { api: ApiProcess; key: string; start: number }): Promise<number> {
  while (performance.now() - options.start < 10_000) {
    if ((await options.api.verify(options.key)).code === 'REVOKED') return performance.now() - options.start;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return Infinity;
}

/**
 * What `keyops doctor` checks, one function each. A check answers ok, skip (not configured, and
 * that is fine) or fail with what to fix; it never throws, and none waits longer than its timeout.
 */
import { WebClient } from '@slack/web-api';
import Redis from 'ioredis';
import { Client } from 'pg';
import { parseEnv, type Env } from '../../config/env';
import { loadPolicy } from '../../config/policyFile';
import { describeTemporalSecurity, temporalConnectionFrom, type TemporalConnectionSettings } from '../../config/temporalConnection';
import { readMigrationStatus } from '../../db/migrate';
import { connectTemporal, pingTemporal } from '../../temporal/client';

export type CheckStatus = 'ok' | 'skip' | 'fail';
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

const TIMEOUT_MS = 5000;

export async function runDoctorChecks(source: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  let env: Env;
  try {
    env = parseEnv(source);
  } catch (error) {
    return [{ name: 'environment', status: 'fail', detail: oneLine(error) }];
  }
  const results: CheckResult[] = [{ name: 'environment', status: 'ok', detail: 'every variable parses' }];
  results.push(await check('policy', () => checkPolicyFile(env)));
  results.push(await check('database', () => checkDatabase(env)));
  results.push(await check('migrations', () => checkMigrations(env)));
  results.push(await check('temporal', () => checkTemporal(env)));
  results.push(await check('slack', () => checkSlack(env)));
  results.push(await check('redis', () => checkRedis(env)));
  return results;
}

type Outcome = { status: CheckStatus; detail: string };

async function check(name: string, run: () => Promise<Outcome>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'fail', detail: `no answer within ${TIMEOUT_MS / 1000} s` }), TIMEOUT_MS);
  });
  try {
    return { name, ...(await Promise.race([run(), timeout])) };
  } catch (error) {
    return { name, status: 'fail', detail: oneLine(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function checkPolicyFile(env: Env): Promise<Outcome> {
  const { policy, file } = loadPolicy(env.POLICY_FILE);
  const which = env.POLICY_FILE ? file : `${file} (POLICY_FILE unset: the example policy)`;
  return { status: 'ok', detail: `${which}: ${policy.scopes.length} scopes, ${policy.environments.length} environments` };
}

async function checkDatabase(env: Env): Promise<Outcome> {
  if (!env.DATABASE_URL) return { status: 'skip', detail: 'DATABASE_URL unset: npm start runs an embedded PostgreSQL' };
  const client = new Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    return { status: 'ok', detail: `${describeUrl(env.DATABASE_URL)}, PostgreSQL ${rows[0]?.version ?? '?'}` };
  } catch (error) {
    return { status: 'fail', detail: `${describeUrl(env.DATABASE_URL)}: ${oneLine(error)} (check DATABASE_URL)` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkMigrations(env: Env): Promise<Outcome> {
  if (!env.DATABASE_URL) return { status: 'skip', detail: 'no DATABASE_URL' };
  const { pending, problem } = await readMigrationStatus({ databaseUrl: env.DATABASE_URL });
  if (problem) return { status: 'fail', detail: problem };
  if (pending.length === 0) return { status: 'ok', detail: 'up to date' };
  // Start-up (npm start, the worker) applies them: pending is not a failure, but worth saying.
  return { status: 'ok', detail: `${pending.length} pending, applied at the next start (npm start or the worker): ${pending.join(', ')}` };
}

async function checkTemporal(env: Env): Promise<Outcome> {
  if (!env.TEMPORAL_ADDRESS) return { status: 'skip', detail: 'TEMPORAL_ADDRESS unset: npm start runs a Temporal dev server' };
  let settings: TemporalConnectionSettings;
  try {
    settings = temporalConnectionFrom(env, env.TEMPORAL_ADDRESS);
  } catch (error) {
    return { status: 'fail', detail: oneLine(error) };
  }
  const where = `${env.TEMPORAL_ADDRESS} namespace ${env.TEMPORAL_NAMESPACE}, ${describeTemporalSecurity(settings)}`;
  try {
    const handle = await connectTemporal({ ...settings, connectTimeoutMs: TIMEOUT_MS - 1500 });
    try {
      await pingTemporal({ handle, namespace: env.TEMPORAL_NAMESPACE, timeoutMs: TIMEOUT_MS });
    } finally {
      await handle.close();
    }
    return { status: 'ok', detail: where };
  } catch (error) {
    // Over TLS the error already says where and how (temporal/connectError.ts).
    return { status: 'fail', detail: settings.tls ? oneLine(error) : `${where}: ${oneLine(error)} (check TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE)` };
  }
}

async function checkSlack(env: Env): Promise<Outcome> {
  if (!env.SLACK_BOT_TOKEN) return { status: 'skip', detail: 'SLACK_BOT_TOKEN unset: keyops runs without Slack' };
  if (!env.SLACK_SIGNING_SECRET) return { status: 'fail', detail: 'SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not' };
  const web = new WebClient(env.SLACK_BOT_TOKEN, { ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}), retryConfig: { retries: 0 }, timeout: TIMEOUT_MS });
  try {
    const auth = await web.auth.test();
    return { status: 'ok', detail: `auth.test: ${auth.user ?? '?'} in ${auth.team ?? '?'}${env.SLACK_APP_TOKEN ? ' (Socket Mode)' : ''}` };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    return { status: 'fail', detail: `auth.test: ${code ?? oneLine(error)} (check SLACK_BOT_TOKEN${env.SLACK_API_URL ? ' and SLACK_API_URL' : ''})` };
  }
}

async function checkRedis(env: Env): Promise<Outcome> {
  if (!env.REDIS_URL) return { status: 'skip', detail: 'REDIS_URL unset: rate limits are per process' };
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { status: 'ok', detail: describeUrl(env.REDIS_URL) };
  } catch (error) {
    return { status: 'fail', detail: `${describeUrl(env.REDIS_URL)}: ${oneLine(error)} (check REDIS_URL)` };
  } finally {
    redis.disconnect();
  }
}

/** host:port/db, never the password. */
function describeUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.hostname}:${url.port || 'default port'}${url.pathname.length > 1 ? url.pathname : ''}`;
  } catch {
    return 'an unparsable URL';
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, '; ').trim() || (error instanceof Error ? error.name : 'failed');
}

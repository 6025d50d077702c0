/**
 * `npm start`: everything in one process. With nothing configured it runs on embedded defaults:
 * an embedded PostgreSQL and a Temporal dev server, with their data under KEYOPS_DATA_DIR
 * (default .keyops/), and generated secrets kept there too. DATABASE_URL and TEMPORAL_ADDRESS
 * switch to real servers.
 */
import path from 'node:path';
import { loadDotEnv } from '../config/dotenv';
import { ConfigError, parseEnv } from '../config/env';
import { loadPolicy } from '../config/policyFile';
import { slackConfigFrom, slackSetupHint } from '../config/slack';
import { CODEC_KEYS_HINT, payloadCodecFrom, temporalConnectionFrom, type TemporalConnectionSettings } from '../config/temporalConnection';
import { tuningFrom } from '../config/tuning';
import { loadOrCreateDevSecrets } from '../runtime/devSecrets';
import { startEmbeddedPostgres } from '../runtime/embeddedPostgres';
import { freeLoopbackAddress, installTemporalLogging, sdkMetricsReader } from '../temporal/runtime';
import { startKeyops } from '../runtime/keyops';
import { createLogger } from '../runtime/log';
import { onShutdownSignal, runStopSteps, SHUTDOWN_DEADLINE_MS, type StopStep } from '../runtime/shutdown';
import { startTemporalDevServer } from '../runtime/temporalDevServer';
import { startPlayground, type Playground } from '../playground/start';

const log = createLogger({ name: 'keyops' });

async function main(): Promise<void> {
  const started = Date.now();
  const sdkMetricsAddress = await freeLoopbackAddress();
  const sdkMetrics = installTemporalLogging({ log: log.child({ name: 'temporal-sdk' }), metricsBindAddress: sdkMetricsAddress }) ? sdkMetricsReader(sdkMetricsAddress) : undefined;
  const envFile = loadDotEnv();
  const env = parseEnv();
  const { policy, file: policyFile } = loadPolicy(env.POLICY_FILE);
  const dataDir = path.resolve(env.KEYOPS_DATA_DIR);
  const cleanups: StopStep[] = [];
  // keyops first, within its own deadline; the embedded servers after it always get their turn, so
  // a Ctrl-C never leaves PostgreSQL running for the next start.
  const cleanup = (): Promise<void> => runStopSteps([...cleanups].reverse(), { log, deadlineMs: SHUTDOWN_DEADLINE_MS, reserveMs: 1_000 });
  onShutdownSignal({ log, stop: cleanup });

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: env.EMBEDDED_POSTGRES_PORT, log: log.child({ name: 'postgres' }) });
      cleanups.push({ name: 'embedded postgres', stop: () => pg.stop() });
      databaseUrl = pg.databaseUrl;
    }
    let temporal: TemporalConnectionSettings = env.TEMPORAL_ADDRESS ? temporalConnectionFrom(env, env.TEMPORAL_ADDRESS) : { address: '', namespace: env.TEMPORAL_NAMESPACE };
    if (!env.TEMPORAL_ADDRESS) {
      const server = await startTemporalDevServer({ cliPath: env.TEMPORAL_CLI_PATH, dataDir: path.join(dataDir, 'temporal'), port: env.TEMPORAL_DEV_PORT, namespace: env.TEMPORAL_NAMESPACE, log: log.child({ name: 'temporal' }) });
      cleanups.push({ name: 'temporal dev server', stop: () => server.stop() });
      temporal = { address: server.address, namespace: server.namespace };
    }
    if (env.TEMPORAL_CODEC_KEYS.length === 0) log.warn(`workflow payloads go to Temporal unencrypted (names, reasons, Slack ids readable in its history): set TEMPORAL_CODEC_KEYS; ${CODEC_KEYS_HINT}`);
    const generated = !env.KEY_HASH_SECRET || !env.VERIFY_API_TOKEN ? loadOrCreateDevSecrets(dataDir) : null;
    const verifyApiToken = env.VERIFY_API_TOKEN ?? generated?.verifyApiToken;
    // Any Slack credential means a real workspace is meant: the playground stays off.
    const slackCredentials = Boolean(env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN);
    let playground: Playground | null = null;
    if (!slackCredentials) {
      playground = await startPlayground({ policy, verifyApiToken, displaySeconds: env.KEY_DISPLAY_SECONDS, log: log.child({ name: 'playground' }), anyHost: env.HOST !== undefined && !isLoopback(env.HOST) });
      const running = playground;
      cleanups.push({ name: 'playground', stop: () => running.stop() });
    }
    const slack = slackConfigFrom(env) ?? playground?.slack ?? null;
    if (!slack) log.warn(slackSetupHint(env));

    const keyops = await startKeyops({
      roles: { bot: true, worker: true, api: true },
      databaseUrl,
      temporal,
      policy,
      slack,
      keyHashSecret: env.KEY_HASH_SECRET ?? (generated?.keyHashSecret as string),
      previousKeyHashSecrets: env.KEY_HASH_SECRET_PREVIOUS,
      verifyApiToken,
      redisUrl: env.REDIS_URL,
      publicUrl: env.PUBLIC_URL,
      githubKeysUrl: env.GITHUB_SECRET_SCANNING_KEYS_URL,
      displaySeconds: env.KEY_DISPLAY_SECONDS,
      tuning: tuningFrom(env),
      codec: payloadCodecFrom(env),
      port: env.PORT,
      // The playground is a demo with no sign-in: this machine only, unless the operator binds it wider.
      host: env.HOST ?? (playground ? '127.0.0.1' : undefined),
      ...(playground && { pages: playground.routes }),
      log,
      sdkMetrics,
    });
    cleanups.push({ name: 'keyops', stop: () => keyops.stop() });
    if (playground && keyops.url) {
      const running = playground;
      cleanups.push({ name: 'playground streams', stop: async () => running.endStreams() });
      const pageUrl = `http://${env.HOST && !isLoopback(env.HOST) ? env.HOST : '127.0.0.1'}:${new URL(keyops.url).port}/`;
      playground.connect({ keyopsUrl: keyops.url });
      log.info(`no Slack credentials: the playground plays Slack at ${pageUrl} (a demo on this machine). ${slackSetupHint(env)}`);
    }
    log.info('keyops is ready', {
      ms: Date.now() - started,
      url: keyops.url,
      health: `${keyops.url}/healthz`,
      verify: `${keyops.url}/v1/keys/verify`,
      policy: policyFile,
      ...(envFile ? { envFile } : {}),
      temporal: temporal.address,
      database: env.DATABASE_URL ? 'DATABASE_URL' : `embedded (${path.join(dataDir, 'postgres')})`,
      ...(generated && !env.VERIFY_API_TOKEN ? { verifyApiToken: `generated; read it from ${generated.file}` } : {}),
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`keyops cannot start: ${error.message}`);
  else log.error('keyops failed to start', { error });
  process.exit(1);
});

/**
 * Shared start-up of the production processes (bot, worker, api): every setting comes from the
 * environment, nothing is embedded, and a missing one stops start-up naming it.
 */
import { ConfigError, parseEnv, requireEnv } from '../config/env';
import { loadPolicy } from '../config/policyFile';
import { slackConfigFrom, slackSetupHint } from '../config/slack';
import { CODEC_KEYS_HINT, payloadCodecFrom, temporalConnectionFrom } from '../config/temporalConnection';
import { tuningFrom } from '../config/tuning';
import { freeLoopbackAddress, installTemporalLogging, sdkMetricsReader } from '../temporal/runtime';
import { startKeyops, type KeyopsOptions } from '../runtime/keyops';
import { createLogger } from '../runtime/log';
import { onShutdownSignal } from '../runtime/shutdown';

export function runProductionRole(role: 'bot' | 'worker' | 'api'): void {
  const log = createLogger({ name: `keyops-${role}` });
  const main = async (): Promise<void> => {
    const sdkMetricsAddress = await freeLoopbackAddress();
    const sdkMetrics = installTemporalLogging({ log: log.child({ name: 'temporal-sdk' }), metricsBindAddress: sdkMetricsAddress }) ? sdkMetricsReader(sdkMetricsAddress) : undefined;
    const env = requireEnv(parseEnv(), ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'KEY_HASH_SECRET', ...(role === 'api' ? (['VERIFY_API_TOKEN'] as const) : [])]);
    // Workflow histories hold names, reasons and Slack ids. Said at error level on every start; not
    // yet refused, so that deployments written before the codec keep starting (see README).
    if (env.TEMPORAL_CODEC_KEYS.length === 0) log.error(`TEMPORAL_CODEC_KEYS unset: workflow payloads go to Temporal unencrypted (names, reasons, Slack ids readable in its history); ${CODEC_KEYS_HINT}`);
    const { policy } = loadPolicy(env.POLICY_FILE);
    const slack = slackConfigFrom(env);
    if (!slack && role !== 'api') log.warn(slackSetupHint(env));
    const options: KeyopsOptions = {
      roles: { bot: role === 'bot', worker: role === 'worker', api: role === 'api' },
      databaseUrl: env.DATABASE_URL,
      temporal: temporalConnectionFrom(env, env.TEMPORAL_ADDRESS),
      policy,
      slack,
      keyHashSecret: env.KEY_HASH_SECRET,
      previousKeyHashSecrets: env.KEY_HASH_SECRET_PREVIOUS,
      verifyApiToken: env.VERIFY_API_TOKEN,
      redisUrl: env.REDIS_URL,
      publicUrl: env.PUBLIC_URL,
      githubKeysUrl: env.GITHUB_SECRET_SCANNING_KEYS_URL,
      displaySeconds: env.KEY_DISPLAY_SECONDS,
      tuning: tuningFrom(env),
      codec: payloadCodecFrom(env),
      port: env.PORT,
      log,
      sdkMetrics,
      // One process migrates (the worker, usually deployed first); the others expect the schema.
      migrate: role === 'worker',
    };
    const keyops = await startKeyops(options);
    onShutdownSignal({ log, stop: keyops.stop });
    log.info(`keyops ${role} is ready`, { url: keyops.url });
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) console.error(`keyops ${role} cannot start: ${error.message}`);
    else log.error(`keyops ${role} failed to start`, { error });
    process.exit(1);
  });
}

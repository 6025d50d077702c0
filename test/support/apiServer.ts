/**
 * The API's routes on a real HTTP server over a test database, wired as an API process wires them
 * (a key lookup on its own pg pool, a usage recorder), for tests that speak HTTP to it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChartRenderer } from '../../api/chartRenderer';
import type { Client } from '@temporalio/client';
import { createFailureThrottle, type FailureThrottleOptions } from '../../api/failureThrottle';
import { createGithubSigningKeys } from '../../api/githubSigningKeys';
import { createKeyLookup } from '../../api/keyLookup';
import { createLocalRateLimiter } from '../../api/rateLimiter';
import { createApiRoutes, type HealthCheck } from '../../api/routes';
import { createUsageRecorder, type UsageRecorder } from '../../api/usage';
import type { VerifyDeps } from '../../api/verify';
import { createDb, type Db } from '../../db/client';
import type { Policy } from '../../domain/policy';
import type { Logger } from '../../runtime/log';
import { createTestDatabase } from './databases';
import { contractViolations, recordAnswer, type RecordedAnswer } from './openapiContract';

export interface ApiServer {
  baseUrl: string;
  db: Db;
  usage: UsageRecorder;
  /** Every answer the routes sent, as the client received it. */
  answers: RecordedAnswer[];
  /** How many queries verification and usage reports sent to the database (malformed keys must never get there). */
  lookups(): number;
  stop(): Promise<void>;
}

export async function startApiServer(options: {
  policy: Policy;
  keyHashSecret: string;
  previousKeyHashSecrets?: string[];
  verifyApiToken: string;
  log: Logger;
  healthChecks?: HealthCheck[];
  /** Mount POST /v1/usage and the signed usage charts too. */
  usageRoutes?: boolean;
  /** The budget of failed verifications per source address; the product's defaults otherwise. */
  failureThrottle?: FailureThrottleOptions;
  /** Enforce the policy's per-key rate limits (in process), as an API process does. */
  limits?: boolean;
  /** Mount POST /v1/leaks/github, checking alerts against GitHub signing keys served at `keysUrl` (test/support/githubKeys.ts). */
  githubLeaks?: { keysUrl: string; temporal: Client };
}): Promise<ApiServer> {
  const database = await createTestDatabase();
  const db = createDb({ databaseUrl: database.url });
  const usage = createUsageRecorder({ db, log: options.log, intervalMs: 60_000 });
  const lookup = createKeyLookup({ databaseUrl: database.url, log: options.log });
  let lookups = 0;
  const clock = () => new Date();
  const verify: VerifyDeps = { findKey: (hash) => (lookups++, lookup.find(hash)), findKeys: (hashes) => (lookups++, lookup.findMany(hashes)), policy: options.policy, keyHashSecret: options.keyHashSecret, previousKeyHashSecrets: options.previousKeyHashSecrets ?? [], clock, usage, ...(options.limits ? { limiter: createLocalRateLimiter() } : {}) };
  const renderer = options.usageRoutes ? createChartRenderer({ log: options.log }) : null;
  const routes = createApiRoutes({
    verify,
    ...(options.usageRoutes && renderer
      ? { ingest: { db, verify, usage, maxAgeSeconds: options.policy.usage.retention.minutes }, chart: { db, secret: options.keyHashSecret, clock, renderer, policy: options.policy } }
      : {}),
    ...(options.githubLeaks
      ? {
          githubLeaks: {
            db, temporal: options.githubLeaks.temporal, keyHashSecret: options.keyHashSecret, previousKeyHashSecrets: options.previousKeyHashSecrets ?? [], clock, log: options.log,
            signingKeys: createGithubSigningKeys({ url: options.githubLeaks.keysUrl, log: options.log }), keyPrefix: options.policy.keyPrefix, onPublicLeak: options.policy.leaks.onPublicLeak,
          },
        }
      : {}),
    verifyApiToken: options.verifyApiToken,
    healthChecks: options.healthChecks ?? [],
    throttle: createFailureThrottle(options.failureThrottle),
    log: options.log,
  });
  const answers: RecordedAnswer[] = [];
  const server = http.createServer((req, res) => {
    const recording = recordAnswer(req, res, answers);
    void routes(req, res).then((handled) => handled || (recording.skip(), res.writeHead(404).end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    usage,
    answers,
    lookups: () => lookups,
    async stop() {
      await renderer?.close();
      await usage.stop();
      await lookup.close();
      await new Promise((resolve) => server.close(resolve));
      await db.$disconnect();
      await database.drop();
      // Every answer this file's tests received, held to the OpenAPI document (api/openapi/).
      const violations = answers.flatMap(contractViolations);
      if (violations.length > 0) throw new Error(`answers the OpenAPI document does not describe:\n${[...new Set(violations)].join('\n')}`);
    },
  };
}

/**
 * A large GitHub secret scanning alert (GitHub batches what it finds in a push, up to a thousand
 * tokens here) is answered after one lookup, not one per token: GitHub waits on the answer, and a
 * round trip per token made an alert of a few hundred keys wait on the database that many times.
 * Real PostgreSQL, real signature checks against a locally served key; the lookups are counted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { loadPolicy } from '../../config/policyFile';
import { answerGithubAlert, type GithubLeakDeps } from '../../api/githubLeaks';
import { createGithubSigningKeys } from '../../api/githubSigningKeys';
import { createDb, type Db } from '../../db/client';
import { encodeChecksum, mintKey } from '../../domain/keyFormat';
import { createLogger } from '../../runtime/log';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { newGithubSigner, postGithubAlert, signedAlertHeaders, startGithubKeysServer, type GithubKeysServer } from '../support/githubKeys';
import { seedKeys } from '../support/seedKeys';

const SECRET = 'github-batch-hash-secret-long-enough-0123';
const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });
const github = newGithubSigner('gh-batch-key');

let database: TestDatabase;
let db: Db;
let keys: GithubKeysServer;
let server: http.Server;
let url: string;
let lookups = 0;

/** The store, with its key lookups counted. */
function countingLookups(real: Db): Db {
  const apiKey = new Proxy(real.apiKey, {
    get: (target, prop) => {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      return prop === 'findMany' || prop === 'findFirst' || prop === 'findUnique' ? (...args: unknown[]) => (lookups++, (value as (...a: unknown[]) => unknown).apply(target, args)) : value.bind(target);
    },
  });
  return new Proxy(real, { get: (target, prop) => (prop === 'apiKey' ? apiKey : Reflect.get(target, prop)) });
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ databaseUrl: database.url });
  keys = await startGithubKeysServer([github]);
  // No key in these alerts is live, so no leak workflow starts: Temporal must never be asked.
  const temporal = new Proxy({}, { get: () => { throw new Error('Temporal was asked for an alert with no live key'); } }) as Client;
  const deps: GithubLeakDeps = {
    db: countingLookups(db), temporal, keyHashSecret: SECRET, clock: () => new Date(), log,
    signingKeys: createGithubSigningKeys({ url: keys.url, log }), keyPrefix: policy.keyPrefix, onPublicLeak: 'revoke',
  };
  server = http.createServer((req, res) => void answerGithubAlert({ deps, req, res }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await keys?.close();
  await db?.$disconnect();
  await database?.drop();
});

it('answers an alert of hundreds of tokens after one lookup, each token labelled as before', async () => {
  const revoked = await seedKeys(db, { policy, keyHashSecret: SECRET, keys: Array.from({ length: 150 }, () => ({ ownerId: 'U0BATCH', status: 'REVOKED' as const })) });
  const notIssued = Array.from({ length: 150 }, () => mintKey({ prefix: policy.keyPrefix, envTag: 'live' }));
  const badChecksum = notIssued.slice(0, 50).map((key) => `${key.slice(0, -7)}_${encodeChecksum(key.slice(0, -7)).split('').reverse().join('')}`);
  const otherPrefix = Array.from({ length: 50 }, () => mintKey({ prefix: 'zz', envTag: 'live' }));
  const tokens = [...revoked.map((k) => k.key), ...notIssued, ...badChecksum, ...otherPrefix].sort();
  const issued = new Set(revoked.map((k) => k.key));
  const body = JSON.stringify(tokens.map((token, i) => ({ token, type: 'keyops_api_key', url: `https://github.com/acme/app/blob/abc/keys.txt#L${i + 1}`, source: 'content' })));

  lookups = 0;
  const answer = await postGithubAlert({ url, body, headers: signedAlertHeaders(github, body) });
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual(tokens.map((token) => ({ token_raw: token, token_type: 'keyops_api_key', label: issued.has(token) ? 'true_positive' : 'false_positive' })));
  expect(lookups).toBe(1);
});

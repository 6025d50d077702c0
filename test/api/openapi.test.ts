/**
 * GET /openapi.json: a valid OpenAPI 3.1 document (checked by @apidevtools/swagger-parser) whose
 * examples match its own schemas and whose every route is served. That every answer matches it
 * is checked by every API test file (test/support/apiServer.ts holds each answer to it).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Client, Connection } from '@temporalio/client';
import { openApiDocument } from '../../api/openapi/document';
import { loadPolicy } from '../../config/policyFile';
import { createLogger } from '../../runtime/log';
import { startApiServer, type ApiServer } from '../support/apiServer';
import { newGithubSigner, postGithubAlert, signedAlertHeaders, startGithubKeysServer, type GithubKeysServer } from '../support/githubKeys';
import { contractViolations, pointer } from '../support/openapiContract';

const { policy } = loadPolicy(undefined);
const log = createLogger({ name: 'test', sink: () => undefined });

let api: ApiServer;
const github = newGithubSigner('gh-openapi');
let githubKeys: GithubKeysServer;
let temporal: Client;

beforeAll(async () => {
  githubKeys = await startGithubKeysServer([github]);
  // No alert here names a key keyops issued, so none reaches Temporal (test/e2e/githubLeaks.test.ts
  // runs those against a real one): the client connects lazily, to nothing.
  temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  api = await startApiServer({ policy, keyHashSecret: 'test-hash-secret-that-is-long-enough-000', verifyApiToken: 'verify-token-0123456789', log, usageRoutes: true, githubLeaks: { keysUrl: githubKeys.url, temporal } });
});

afterAll(async () => {
  await api.stop();
  await githubKeys.close();
  await temporal.connection.close();
});

type Media = { schema: object; example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = { requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> };
const operations = Object.entries(openApiDocument.paths as unknown as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document that a validator accepts', async () => {
    const res = await fetch(`${api.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await res.json()) as { openapi: string };
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect(served.openapi).toBe('3.1.0');
    const validator = spawnSync(process.execPath, [path.join(__dirname, '../support/validateOpenApi.mjs')], { input: JSON.stringify(served), encoding: 'utf8' });
    expect(validator.stdout.trim()).toBe('valid OpenAPI 3.1.0');
  });

  it('describes every /v1 route with at least one example that matches its own schema', async () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(openApiDocument, 'openapi');
    const documented = new Set(operations.map((o) => o.path));
    for (const path of ['/v1/keys/verify', '/v1/gateway/authorize', '/v1/usage', '/v1/usage/chart/{keyId}.png', '/v1/leaks/github']) expect(documented).toContain(path);
    let checked = 0;
    for (const { path, method, operation } of operations) {
      const media = [
        ...Object.entries(operation.requestBody?.content ?? {}).map(([type, m]) => ({ at: ['requestBody', 'content', type], m })),
        ...Object.entries(operation.responses).flatMap(([status, r]) => Object.entries(r.content ?? {}).map(([type, m]) => ({ at: ['responses', status, 'content', type], m }))),
      ];
      for (const { at, m } of media) {
        const validate = ajv.compile({ $ref: `openapi#/${pointer('paths', path, method, ...at, 'schema')}` });
        for (const value of [...(m.example === undefined ? [] : [m.example]), ...Object.values(m.examples ?? {}).map((e) => e.value)]) {
          expect({ path, method, at, value, valid: validate(value), errors: validate.errors }).toMatchObject({ valid: true });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('documents no route the API does not serve', async () => {
    for (const { path, method } of operations) {
      const concrete = path.replace('{keyId}', 'key_0000000000000000');
      const res = await fetch(`${api.baseUrl}${concrete}`, { method: method.toUpperCase(), ...(method === 'post' ? { body: '{}' } : {}) });
      await res.arrayBuffer();
      expect({ path, method, status: res.status }).not.toMatchObject({ status: 404 });
    }
  });

  it("answers GitHub's alerts as documented: feedback, and refusals of what GitHub did not sign or cannot be read", async () => {
    const post = (body: string, headers: Record<string, string>) => postGithubAlert({ url: api.baseUrl, body, headers });
    const alert = JSON.stringify([{ token: `${policy.keyPrefix}_live_lookalike`, type: 'keyops_api_key', url: 'https://github.com/acme/app/blob/abc/.env#L1', source: 'content' }]);
    expect(await post(alert, signedAlertHeaders(github, alert))).toEqual({ status: 200, json: [{ token_raw: `${policy.keyPrefix}_live_lookalike`, token_type: 'keyops_api_key', label: 'false_positive' }] });
    expect((await post(alert, { 'content-type': 'application/json' })).status).toBe(401);
    for (const bad of ['not json', '[]', '{"token":"x"}']) expect((await post(bad, signedAlertHeaders(github, bad))).status).toBe(400);
    expect((await fetch(`${api.baseUrl}/v1/leaks/github`)).status).toBe(405);
    const answered = api.answers.filter((a) => a.path === '/v1/leaks/github');
    expect(answered.map((a) => a.status).sort()).toEqual(expect.arrayContaining([200, 400, 401, 405]));
    expect(answered.flatMap(contractViolations)).toEqual([]);
  });

  it('catches an answer that says more than the document allows', () => {
    const refusal = { valid: false, code: 'REVOKED', keyId: 'key_0000000000000000', owner: 'U0OWNER' };
    const answer = { method: 'POST', path: '/v1/keys/verify', status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(refusal)) };
    expect(contractViolations(answer)).toEqual([expect.stringContaining('must match exactly one schema in oneOf')]);
    expect(contractViolations({ ...answer, status: 429, body: Buffer.from('{"error":"too_many_failures"}') })).toEqual(['POST /v1/keys/verify → 429: header Retry-After is missing']);
    expect(contractViolations({ ...answer, path: '/v1/nowhere' })).toEqual(['POST /v1/nowhere → 200: the path is not in the OpenAPI document']);
  });
});

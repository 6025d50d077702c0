/**
 * What an operator sees: /metrics on every role (validated by a Prometheus text-format parser)
 * moves with a real journey, the worker exports the Temporal SDK's metrics too, and the logs carry
 * request ids and access lines but never a payload.
 */
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { startHarness, VERIFY_TOKEN, type Harness } from '../support/keyopsHarness';
import { spawnKeyops, type KeyopsProcess } from '../support/keyopsProcess';
import { scrapeMetrics } from '../support/scrapeMetrics';

const KEY_RE = /ko_test_[0-9A-Za-z]{26}_[0-9A-Za-z]{6}/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function revealedKey(userId: string): Promise<string> {
  await h.driver.sendCommand({ userId, channelId: 'C0GENERAL', text: 'new' });
  const view = await h.fake.waitFor(() => h.fake.openViewFor(userId));
  const values = { [NewKeyBlocks.name]: 'Metrics', [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d' };
  await h.driver.submitView({ userId, view, values });
  const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId }).find((m) => m.text.includes('Reveal it once')));
  await h.driver.clickButtonInMessage({ userId, message: offer, actionText: 'Reveal key' });
  const revealed = await h.fake.waitFor(() => {
    const m = h.fake.ephemeralMessages({ userId }).find((x) => x.id === offer.id);
    return m && KEY_RE.test(JSON.stringify(m.blocks)) ? m : undefined;
  });
  return JSON.stringify(revealed.blocks).match(KEY_RE)?.[0] as string;
}

describe('GET /metrics', () => {
  it('moves with a journey: requests, verify outcomes, Slack calls, workflow starts, keys', async () => {
    const before = await scrapeMetrics(h.url);
    const key = await revealedKey('U0METRICS');
    const res = await fetch(`${h.url}/v1/keys/verify`, { method: 'POST', headers: { authorization: `Bearer ${VERIFY_TOKEN}`, 'x-request-id': 'scrape-test-1' }, body: JSON.stringify({ key }) });
    expect(res.headers.get('x-request-id')).toBe('scrape-test-1');
    expect(await h.verify(key)).toMatchObject({ valid: true });
    await h.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'));
    const after = await scrapeMetrics(h.url);

    const moved = (name: string, labels: Record<string, string>): number => after.value(name, labels) - before.value(name, labels);
    expect(moved('keyops_verify_total', { code: 'VALID' })).toBeGreaterThanOrEqual(2);
    expect(moved('keyops_verify_total', { code: 'MALFORMED' })).toBe(1);
    expect(moved('keyops_http_request_duration_seconds_count', { route: '/v1/keys/verify', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(moved('keyops_http_request_duration_seconds_count', { route: '/slack/events', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(moved('keyops_slack_api_calls_total', { method: 'views.open', outcome: 'ok' })).toBe(1);
    expect(moved('keyops_slack_api_calls_total', { method: 'chat.postEphemeral', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(moved('keyops_workflow_starts_total', { workflow_type: 'keyRequestWorkflow', outcome: 'started' })).toBe(1);
    expect(moved('keyops_verify_cache_lookups_total', { result: 'hit' }) + moved('keyops_verify_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(2);
    // Counts read from the database are kept for a second (a scrape storm reads them once), so the
    // scrape taken before the journey may still be what the next one sees.
    const keys = await eventually(async () => {
      const value = (await scrapeMetrics(h.url)).value('keyops_keys', { status: 'ACTIVE', environment: 'test' });
      return value >= 1 ? value : undefined;
    }, { what: 'the ACTIVE key in keyops_keys' });
    expect(keys).toBeGreaterThanOrEqual(1);
    expect(after.value('keyops_key_change_listener_up')).toBe(1);
    expect(after.families.find((f) => f.name === 'keyops_pending_approvals')?.type).toBe('gauge');
    expect(after.text).not.toContain(key.slice(8, 34));
  });

  it('logs request ids and one access line per /v1 request, never a Slack payload', async () => {
    const res = await fetch(`${h.url}/v1/keys/verify?unused=secret-looking`, { method: 'POST', headers: { authorization: `Bearer ${VERIFY_TOKEN}` }, body: '{"key":"x"}' });
    const reqId = res.headers.get('x-request-id') as string;
    expect(reqId).toMatch(/^[0-9a-f-]{36}$/);
    const access = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.reqId === reqId);
    expect(access).toMatchObject({ level: 'info', method: 'POST', route: '/v1/keys/verify', status: 200 });
    expect(JSON.stringify(access)).not.toContain('secret-looking');
    const logs = h.logs.join('\n');
    // The journey above ran with debug logs on: Bolt and the Slack client said what they did…
    expect(logs).toContain('http request body: [payload omitted]');
    // …but not what people were sent or typed.
    expect(logs).not.toContain('Reveal it once');
    expect(logs).not.toContain('"Metrics"');
  });
});

describe('a worker process', () => {
  let database: TestDatabase;
  let worker: KeyopsProcess | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await worker?.stop();
    await database.drop();
  });

  it('answers /healthz and /metrics with the Temporal SDK metrics', async () => {
    worker = await spawnKeyops({
      entry: 'worker',
      env: { PORT: '0', DATABASE_URL: database.url, TEMPORAL_ADDRESS: h.temporal.address, TEMPORAL_NAMESPACE: h.temporal.namespace ?? 'default', KEY_HASH_SECRET: 'a-test-key-hash-secret-of-32-chars-or-more' },
    });
    const health = await fetch(`${worker.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.stringify(await health.json())).toContain('worker');
    const scrape = await scrapeMetrics(worker.url);
    const sdk = scrape.families.filter((f) => f.name.startsWith('temporal_'));
    expect(sdk.length).toBeGreaterThan(0);
    expect(scrape.families.some((f) => f.name === 'keyops_workflow_starts')).toBe(true);
  });
});

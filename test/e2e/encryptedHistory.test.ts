/**
 * With TEMPORAL_CODEC_KEYS, what keyops sends Temporal is ciphertext: after a real journey (request,
 * reveal, display expiry) on a real Temporal server, its histories hold no name, reason or Slack
 * user id. Operators still read them through the codec endpoint, which refuses anyone without its
 * token and answers the Temporal UI's origin for CORS. The encrypted histories replay on today's
 * workflow code through the codec, and cannot be replayed without it.
 *
 * RECORD_ENCRYPTED_HISTORIES=<dir> writes the journey's histories there, as the encrypted fixtures of
 * test/workflows/replay.test.ts were recorded.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { NewKeyBlocks } from '../../bot/ids';
import { lifetimeBlockId } from '../../bot/views/newKeyModal';
import { AesGcmPayloadCodec } from '../../temporal/payloadCodec';
import { eventually } from '../support/eventually';
import { CODEC_ENDPOINT_TOKEN, CODEC_KEYS, startHarness, type Harness } from '../support/keyopsHarness';
import { workflowBundle } from '../support/temporal';

const NAME = 'Zebra ledger exporter';
const REASON = 'nightly reconciliation with the bank';
const USER = 'U0CIPHER7';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ displaySeconds: 5, encryptPayloads: true });
});
afterAll(async () => {
  await h?.stop();
});

interface WirePayload { metadata: Record<string, string>; data: string }

/** Every payload of every history, as the server keeps it (base64, as the codec endpoint takes them). */
async function storedPayloads(): Promise<WirePayload[]> {
  const found: WirePayload[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'data' in o && o.data instanceof Uint8Array) {
      found.push({
        metadata: Object.fromEntries(Object.entries(o.metadata as Record<string, Uint8Array>).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(o.data).toString('base64'),
      });
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  for await (const wf of h.temporal.client.workflow.list()) walk(await h.temporal.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory());
  return found;
}

const codecCall = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

it('keeps names, reasons and user ids out of workflow histories, and lets operators decode them', async () => {
  const ack = await h.driver.sendCommand({ userId: USER, channelId: 'C0GENERAL', text: 'new' });
  expect(ack.status).toBe(200);
  const view = await h.fake.waitFor(() => h.fake.openViewFor(USER));
  await h.driver.submitView({
    userId: USER,
    view,
    values: { [NewKeyBlocks.name]: NAME, [NewKeyBlocks.environment]: 'test', [NewKeyBlocks.scopes]: ['read'], [lifetimeBlockId('test')]: '30d', [NewKeyBlocks.reason]: REASON },
  });
  const offer = await h.fake.waitFor(() => h.fake.ephemeralMessages({ userId: USER }).find((m) => m.text.includes('Reveal it once')));
  await h.driver.clickButtonInMessage({ userId: USER, message: offer, actionText: 'Reveal key' });
  await h.fake.waitFor(() => {
    const m = h.fake.ephemeralMessages({ userId: USER }).find((x) => x.id === offer.id);
    return m && m.history.length >= 3 ? m : undefined;
  }, { timeoutMs: 30_000 });

  const histories = await h.dumpHistories();
  expect(histories).toContain(Buffer.from('binary/encrypted').toString('base64'));
  expect(histories).toContain('encryption-key-id');
  for (const secret of [NAME, REASON, USER]) expect(histories).not.toContain(secret);

  const payloads = (await storedPayloads()).filter((p) => Buffer.from(p.metadata.encoding ?? '', 'base64').toString() === 'binary/encrypted');
  expect(payloads.length).toBeGreaterThan(3);

  const refused = await codecCall('/codec/decode', { payloads });
  expect(refused.status).toBe(401);
  expect(JSON.stringify(await refused.json())).not.toContain(NAME);
  expect((await codecCall('/codec/decode', { payloads }, { authorization: 'Bearer not-the-codec-token-000' })).status).toBe(401);

  const decoded = await codecCall('/codec/decode', { payloads }, { authorization: `Bearer ${CODEC_ENDPOINT_TOKEN}`, origin: 'http://temporal-ui.test:8233' });
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-origin')).toBe('http://temporal-ui.test:8233');
  const plain = ((await decoded.json()) as { payloads: WirePayload[] }).payloads.map((p) => Buffer.from(p.data, 'base64').toString()).join('\n');
  expect(plain).toContain(NAME);
  expect(plain).toContain(REASON);
  expect(plain).toContain(USER);

  const preflight = await fetch(`${h.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://temporal-ui.test:8233', 'access-control-request-headers': 'authorization,content-type,x-namespace' } });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');
  const otherOrigin = await fetch(`${h.url}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.test' } });
  expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
}, 120_000);

it('replays its encrypted histories on the current workflow code with the codec, and not without it', async () => {
  type Stored = { workflowId: string; type: string; history: temporal.api.history.v1.IHistory };
  const finished = async (): Promise<Stored[]> => {
    const found: Stored[] = [];
    for await (const wf of h.temporal.client.workflow.list()) {
      const handle = h.temporal.client.workflow.getHandle(wf.workflowId, wf.runId);
      const description = await handle.describe();
      // A replay needs a finished history: the key's lifecycle sleeps until expiry and is still open.
      if (description.status.name === 'RUNNING') continue;
      found.push({ workflowId: wf.workflowId, type: wf.type, history: await handle.fetchHistory() });
    }
    return found;
  };
  // The request's workflow ends just after the key was masked (it starts the lifecycle first).
  const histories = await eventually(async () => {
    const found = await finished();
    return found.length > 0 ? found : undefined;
  }, { what: 'a finished workflow to replay', timeoutMs: 30_000 });

  const bundle = await workflowBundle();
  const withCodec = { workflowBundle: bundle, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(CODEC_KEYS)] } };
  for (const { workflowId, history } of histories) {
    await expect(Worker.runReplayHistory(withCodec, history, workflowId)).resolves.toBeUndefined();
    // Without the key the workflow's own input cannot be read: the replay fails, it does not pass by accident.
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).rejects.toThrow();
  }

  const recordTo = process.env.RECORD_ENCRYPTED_HISTORIES;
  if (recordTo) {
    for (const { type, history } of histories) {
      writeFileSync(path.join(recordTo, `${type}-self-service-encrypted-v1.json`), `${JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON(), null, 2)}\n`);
    }
  }
}, 120_000);

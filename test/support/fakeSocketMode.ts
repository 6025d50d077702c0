/**
 * Slack's side of Socket Mode, for tests: the stand-in's `apps.connections.open` hands out a
 * single-use WebSocket URL on 127.0.0.1; the app connects, gets `hello`, and every request reaches
 * it as an envelope that it must ack (same envelope id) within Slack's 3 seconds. The ack's
 * payload is what an HTTP response body would be (a command's reply, a view_submission's
 * response_action), so the driver applies it the same way.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DriverResponse, FakeSlack, Obj, SlackTransport } from '../../playground/slack';

const ACK_TIMEOUT_MS = 3000;

export interface FakeSocketMode extends SlackTransport {
  /** Every envelope sent and the ack it got, in order. */
  envelopes: Array<{ type: string; envelopeId: string; ack?: Obj; ackMs?: number }>;
  /** Resolves once the app has connected (after `hello`). */
  connected(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(options: { fake: FakeSlack }): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const tickets = new Set<string>();
  const pending = new Map<string, (ack: Obj) => void>();
  const envelopes: FakeSocketMode['envelopes'] = [];
  let socket: WebSocket | null = null;
  let onConnect: (() => void) | null = null;

  options.fake.useSocketMode(() => {
    const ticket = randomUUID();
    tickets.add(ticket);
    return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=A0KEYOPS`;
  });
  server.on('connection', (ws, req) => {
    const ticket = new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
    // A URL from apps.connections.open works once, as Slack's do.
    if (!tickets.delete(ticket)) return ws.close(4001, 'invalid ticket');
    socket = ws;
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as Obj;
      const resolve = pending.get(String(ack.envelope_id));
      if (resolve) resolve(ack);
    });
    // Slack pings; the client treats a silent server as gone and reconnects.
    const ping = setInterval(() => ws.ping(), 5000);
    ws.on('close', () => clearInterval(ping));
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'applink-fake', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0KEYOPS' } }));
    onConnect?.();
  });

  const deliver: SlackTransport['deliver'] = async (request) => {
    if (!socket) throw new Error('Socket Mode: the app is not connected');
    const envelopeId = randomUUID();
    const record: FakeSocketMode['envelopes'][number] = { type: request.type, envelopeId };
    envelopes.push(record);
    const started = performance.now();
    const acked = new Promise<Obj>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Socket Mode: no ack for ${request.type} envelope ${envelopeId} within ${ACK_TIMEOUT_MS} ms`)), ACK_TIMEOUT_MS);
      pending.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    socket.send(JSON.stringify({
      envelope_id: envelopeId, type: request.type, payload: request.payload, accepts_response_payload: request.type !== 'events_api',
      retry_attempt: request.retryNum ?? 0, retry_reason: request.retryNum ? 'timeout' : '',
    }));
    const ack = await acked.finally(() => pending.delete(envelopeId));
    record.ack = ack;
    record.ackMs = performance.now() - started;
    // Bolt acks with `payload: {}` (or none) where an HTTP response would have had an empty body.
    const payload = typeof ack.payload === 'object' && ack.payload !== null && Object.keys(ack.payload).length > 0 ? (ack.payload as Obj) : undefined;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    return { status: 200, body, ...(payload !== undefined && { json: payload }), elapsedMs: record.ackMs } satisfies DriverResponse;
  };

  return {
    envelopes,
    deliver,
    connected: () => (socket ? Promise.resolve() : new Promise((resolve) => (onConnect = resolve))),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

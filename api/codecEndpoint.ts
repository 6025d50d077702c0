/**
 * The codec server the Temporal Web UI and CLI call to show encrypted payloads as text
 * (`temporal … --codec-endpoint <api>/codec --codec-auth "Bearer <token>"`, or the UI's codec
 * endpoint setting): POST /codec/decode and /codec/encode with `{"payloads": [{"metadata": {k:
 * base64}, "data": base64}]}`, answered in the same shape. It reveals what workflow histories hold
 * (names, reasons, Slack ids; never a key, which no payload carries), so it needs its own bearer
 * token, TEMPORAL_CODEC_ENDPOINT_TOKEN, held by operators; every call is logged with its caller.
 * CORS answers only the UI's origin (TEMPORAL_UI_ORIGIN).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Logger } from '../runtime/log';
import { bearerToken, peerAddress, readBody, sendJson, tokenDigest, tokenMatches } from './http';

export const CODEC_PATHS = ['/codec/decode', '/codec/encode'] as const;
const MAX_CODEC_BODY_BYTES = 8 * 1024 * 1024;

export interface CodecEndpointDeps {
  codec: PayloadCodec;
  token: string;
  uiOrigin?: string;
  log: Logger;
}

const bodySchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })).max(10_000),
});

const toPayload = (p: z.infer<typeof bodySchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const fromPayload = (p: Payload): { metadata: Record<string, string>; data: string } => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function createCodecEndpoint(deps: CodecEndpointDeps): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> {
  const expected = tokenDigest(deps.token);
  return async (req, res, path) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      deps.uiOrigin && origin === new URL(deps.uiOrigin).origin
        ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-allow-headers': 'authorization, content-type, x-namespace', 'access-control-allow-methods': 'POST, OPTIONS', vary: 'origin' }
        : { vary: 'origin' };
    if (req.method === 'OPTIONS') {
      req.resume();
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method !== 'POST') return void (req.resume(), sendJson(res, 405, { error: 'method_not_allowed' }, cors));
    if (!tokenMatches(bearerToken(req.headers.authorization), expected)) {
      req.resume();
      deps.log.warn('codec call refused', { path, from: peerAddress(req) });
      return sendJson(res, 401, { error: 'unauthorized', message: 'send Authorization: Bearer <TEMPORAL_CODEC_ENDPOINT_TOKEN>' }, { ...cors, 'www-authenticate': 'Bearer' });
    }
    const text = await readBody(req, MAX_CODEC_BODY_BYTES);
    if (text === null) return sendJson(res, 413, { error: 'payload_too_large' }, cors);
    let body: z.infer<typeof bodySchema>;
    try {
      body = bodySchema.parse(JSON.parse(text));
    } catch {
      return sendJson(res, 400, { error: 'bad_request', message: 'expected {"payloads": [{"metadata": {…}, "data": "<base64>"}]}' }, cors);
    }
    const payloads = body.payloads.map(toPayload);
    let out: Payload[];
    try {
      out = path === '/codec/decode' ? await deps.codec.decode(payloads) : await deps.codec.encode(payloads);
    } catch (error) {
      return sendJson(res, 400, { error: 'codec_failed', message: (error as Error).message }, cors);
    }
    deps.log.info('codec call', { path, payloads: payloads.length, from: peerAddress(req), namespace: req.headers['x-namespace'] });
    sendJson(res, 200, { payloads: out.map(fromPayload) }, cors);
  };
}

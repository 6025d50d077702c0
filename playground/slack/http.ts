/**
 * Slack's request signing and the tiny HTTP client the driver uses.
 *
 * Signing is done exactly as Slack documents it so keyops' real verification
 * (Bolt's) is exercised. The client uses node:http without keep-alive so a
 * test's app server can close promptly, and it times the response so tests
 * and benchmarks can assert Bolt acks within Slack's 3-second window.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';

/** `v0=<hex HMAC-SHA256(secret, "v0:<ts>:<body>")>`, as in the X-Slack-Signature header. */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds: number): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
}

export interface DriverResponse {
  status: number;
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json?: unknown;
  /** Milliseconds until the response headers arrived, i.e. how fast the app acked. */
  elapsedMs: number;
}

export function tryJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function postRaw(url: string, body: string, headers: Record<string, string>): Promise<DriverResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const elapsedMs = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = tryJson(text);
        resolve({ status: res.statusCode ?? 0, body: text, ...(json !== undefined && { json }), elapsedMs });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

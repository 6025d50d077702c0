/**
 * Plays GitHub's side of secret scanning for tests and benches: its own ECDSA P-256 signing keys,
 * served locally in GitHub's format, and alerts signed as GitHub signs them (SHA-256 over the raw
 * body, base64 DER).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { RecordedAnswer } from './openapiContract';

export interface GithubSigner {
  identifier: string;
  privateKey: KeyObject;
  publicPem: string;
}

export function newGithubSigner(identifier: string): GithubSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { identifier, privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface GithubKeysServer {
  url: string;
  /** The keys served from now on. */
  serve(signers: GithubSigner[]): void;
  fetches(): number;
  /** Answers 503 from now on (true) or serves again (false). */
  fail(down: boolean): void;
  close(): Promise<void>;
}

export async function startGithubKeysServer(signers: GithubSigner[]): Promise<GithubKeysServer> {
  let served = signers;
  let count = 0;
  let down = false;
  const server: Server = createServer((req, res) => {
    count += 1;
    if (down) return void res.writeHead(503).end();
    const body = JSON.stringify({ public_keys: served.map((s, i) => ({ key_identifier: s.identifier, key: s.publicPem, is_current: i === 0 })) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/meta/public_keys/secret_scanning`,
    serve: (next) => void (served = next),
    fetches: () => count,
    fail: (value) => void (down = value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function signedAlertHeaders(signer: GithubSigner, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'github-public-key-identifier': signer.identifier,
    'github-public-key-signature': sign('sha256', Buffer.from(body), signer.privateKey).toString('base64'),
  };
}

/** Posts an alert; with `record`, the answer is kept there as received, for the OpenAPI contract (test/support/openapiContract.ts). */
export async function postGithubAlert(options: { url: string; body: string; headers: Record<string, string>; record?: RecordedAnswer[] }): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${options.url}/v1/leaks/github`, { method: 'POST', headers: options.headers, body: options.body });
  const text = await res.text();
  options.record?.push({ method: 'POST', path: '/v1/leaks/github', status: res.status, headers: Object.fromEntries(res.headers.entries()), body: Buffer.from(text) });
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

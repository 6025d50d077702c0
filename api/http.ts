/**
 * The small pieces of HTTP every API route shares: JSON answers, bounded bodies, the shared-secret
 * check and the caller's address. Plain node:http, no framework: verify is the hot path.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A token's digest, compared instead of the token so the comparison takes the same time whatever is presented. */
export function tokenDigest(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

export function tokenMatches(presented: string | undefined, expected: Buffer | null): boolean {
  if (!expected || !presented) return false;
  return timingSafeEqual(tokenDigest(presented), expected);
}

/** Per connection, the token it last presented that matched, and what it matched. */
const matchedOn = new WeakMap<object, { expected: Buffer; token: string }>();

/**
 * tokenMatches for a request on `socket`: a keep-alive connection (a gateway, a service) presents
 * the same token on every request, so once it matched, the same string on the same connection
 * matches without another digest. The plain comparison is only ever against what this connection
 * itself sent and had accepted: its timing tells the sender nothing it did not know.
 */
export function tokenMatchesOn(socket: object, presented: string | undefined, expected: Buffer | null): boolean {
  if (!expected || !presented) return false;
  const matched = matchedOn.get(socket);
  if (matched && matched.expected === expected && matched.token === presented) return true;
  if (!tokenMatches(presented, expected)) return false;
  matchedOn.set(socket, { expected, token: presented });
  return true;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The peer's address, without the IPv4-mapped prefix so one client has one name. */
export function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Reads at most `limit` bytes; null when the body is larger (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

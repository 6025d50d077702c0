/**
 * Turns a failed Temporal connection into a message that names the setting to fix. The SDK's own
 * errors say little ("Failed to connect before the deadline"), so when TLS is on, a plain TLS
 * handshake with the same CA, certificate and server name (node:tls) finds out what went wrong.
 */
import tls from 'node:tls';
import type { TemporalConnectionSettings } from '../config/temporalConnection';

type Settings = Pick<TemporalConnectionSettings, 'address' | 'tls' | 'apiKey'>;

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE']);

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}

/** The handshake alone: resolves null when it succeeds, else the error's code (or message). */
function probeHandshake(settings: Settings & { tls: NonNullable<Settings['tls']> }): Promise<string | null> {
  const [host, port] = splitAddress(settings.address);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      servername: settings.tls.serverName ?? (/^[\d.:]+$/.test(host) ? undefined : host),
      ...(settings.tls.ca ? { ca: settings.tls.ca } : {}),
      ...(settings.tls.clientCert ? { cert: settings.tls.clientCert.cert, key: settings.tls.clientCert.key } : {}),
      ALPNProtocols: ['h2'],
      ...(settings.tls.serverName ? { checkServerIdentity: (_: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(settings.tls.serverName as string, cert) } : {}),
    });
    const done = (result: string | null): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(3000, () => done('TIMEOUT'));
    socket.once('secureConnect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return at < 0 ? [address, 7233] : [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}

export async function explainConnectError(error: unknown, settings: Settings): Promise<Error> {
  if (!settings.tls) return error instanceof Error ? error : new Error(String(error));
  const said = messages(error);
  const handshake = await probeHandshake({ ...settings, tls: settings.tls });
  const hint =
    handshake === null
      ? /\b400\b|certificate required|bad certificate|unknown ca/i.test(said)
        ? 'the server refused this client: if it requires a client certificate (mTLS), set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY to one its CA signed'
        : /unauthenticated|permission|api key|\b401\b|\b403\b/i.test(said)
          ? 'the server refused the credentials: check TEMPORAL_API_KEY (or the client certificate) and TEMPORAL_NAMESPACE'
          : 'the TLS handshake works; check TEMPORAL_NAMESPACE and the server'
      : UNTRUSTED.has(handshake)
        ? `the server's certificate is not trusted (${handshake}): check TEMPORAL_TLS_CA (the CA that signed it)`
        : handshake === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'the server\'s certificate does not carry the name asked for: set TEMPORAL_TLS_SERVER_NAME to a name it carries'
          : handshake === 'CERT_HAS_EXPIRED'
            ? 'the server\'s certificate has expired'
            : handshake === 'ECONNREFUSED' || handshake === 'ENOTFOUND' || handshake === 'TIMEOUT'
              ? `nothing answers there (${handshake}): check TEMPORAL_ADDRESS`
              : /wrong version|EPROTO|packet length/i.test(handshake)
                ? `the server does not speak TLS there (${handshake}): check TEMPORAL_ADDRESS, or leave TEMPORAL_TLS* and TEMPORAL_API_KEY unset for a plaintext server`
                : `the TLS handshake failed (${handshake}): check TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY and TEMPORAL_TLS_SERVER_NAME`;
  return new Error(`cannot connect to Temporal at ${settings.address} over ${settings.tls.describe}: ${hint} (${said.split('\n')[0]})`, { cause: error });
}

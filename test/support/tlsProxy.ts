/**
 * A TLS-terminating gRPC proxy in front of a Temporal dev server (which speaks only plaintext):
 * the real nginx with `grpc_pass`, and certificates made by the real openssl for the test.
 * - `mtls`: requires a client certificate signed by the test CA;
 * - `tls`: server certificate only, and logs every call's `Authorization` header (API keys).
 * The server certificate names `temporal.test` only, so clients must set the server name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, running } from './gateways';
import { NGINX, writeNginxConf } from './nginx';

export const TLS_SERVER_NAME = 'temporal.test';

export interface TemporalTlsProxy {
  /** host:port requiring a client certificate. */
  mtls: string;
  /** host:port with server TLS only. */
  tls: string;
  files: { ca: string; otherCa: string; clientCert: string; clientKey: string };
  /** Authorization headers seen on the `tls` port. */
  authorizations(): string[];
  stop(): Promise<void>;
}

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`]);
}

function makeSigned(dir: string, options: { name: string; ca: string; ext: string }): void {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${options.name}`, '-keyout', `${options.name}.key`, '-out', `${options.name}.csr`]);
  writeFileSync(path.join(dir, `${options.name}.ext`), options.ext);
  openssl(dir, ['x509', '-req', '-in', `${options.name}.csr`, '-CA', `${options.ca}.pem`, '-CAkey', `${options.ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${options.name}.ext`, '-out', `${options.name}.pem`]);
}

export async function startTemporalTlsProxy(options: { temporalAddress: string }): Promise<TemporalTlsProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-tls-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeSigned(dir, { name: 'server', ca: 'ca', ext: `subjectAltName=DNS:${TLS_SERVER_NAME}\nextendedKeyUsage=serverAuth\n` });
  makeSigned(dir, { name: 'client', ca: 'ca', ext: 'extendedKeyUsage=clientAuth\n' });
  const [mtlsPort, tlsPort] = [await freePort(), await freePort()];
  const server = (port: number, extra: string[]): string[] => [
    'server {',
    `  listen 127.0.0.1:${port} ssl http2;`,
    `  ssl_certificate ${path.join(dir, 'server.pem')};`,
    `  ssl_certificate_key ${path.join(dir, 'server.key')};`,
    ...extra.map((l) => `  ${l}`),
    // Workers long-poll for a minute and more.
    '  location / { grpc_pass grpc://temporal; grpc_read_timeout 300s; grpc_send_timeout 300s; client_max_body_size 0; }',
    '}',
  ];
  const args = await writeNginxConf(dir, {
    http: [
      "log_format authorization '$http_authorization';",
      'access_log off;',
      `upstream temporal { server ${options.temporalAddress}; keepalive 16; }`,
      ...server(mtlsPort, [`ssl_client_certificate ${path.join(dir, 'ca.pem')};`, 'ssl_verify_client on;']),
      ...server(tlsPort, [`access_log ${path.join(dir, 'authorization.log')} authorization;`]),
    ],
  });
  const child = spawn(NGINX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const gateway = await running({ name: 'nginx', child, port: mtlsPort, dir, stopSignal: 'SIGQUIT' });
  return {
    mtls: `127.0.0.1:${mtlsPort}`,
    tls: `127.0.0.1:${tlsPort}`,
    files: { ca: path.join(dir, 'ca.pem'), otherCa: path.join(dir, 'other-ca.pem'), clientCert: path.join(dir, 'client.pem'), clientKey: path.join(dir, 'client.key') },
    authorizations: () => {
      try {
        return readFileSync(path.join(dir, 'authorization.log'), 'utf8').split('\n').filter((l) => l.length > 0);
      } catch {
        return [];
      }
    },
    stop: gateway.stop,
  };
}

/**
 * How to reach Temporal, from the environment: the address and namespace, TLS (server CA, client
 * certificate for mTLS, server name) and a Temporal Cloud API key. Certificates and keys are given
 * as PEM text (the value starts with `-----BEGIN`; `\n` written as two characters is accepted, as
 * one-line env files need) or as a path to a PEM file, read once at start. A value that is neither
 * stops start-up naming the variable.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type Env } from './env';

export interface TemporalTls {
  /** PEM of the CA that signed the server's certificate; unset, the system's roots. */
  ca?: Buffer;
  /** PEM certificate and key this process presents (mTLS). */
  clientCert?: { cert: Buffer; key: Buffer };
  /** Overrides the name checked against the server's certificate (and sent as SNI). */
  serverName?: string;
  /** Where each part came from, for logs and `keyops doctor` (never the PEM itself). */
  describe: string;
}

export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  tls?: TemporalTls;
  /** Sent as `Authorization: Bearer` on every call (Temporal Cloud); implies TLS. */
  apiKey?: string;
}

type PemVariable = 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA';

function readPem(name: PemVariable, value: string): { pem: Buffer; from: string } {
  if (value.startsWith('-----BEGIN')) return { pem: Buffer.from(value.replace(/\\n/g, '\n')), from: 'inline' };
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (error) {
    throw new ConfigError(`invalid environment:\n  ${name}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? 'error'}); give a PEM file's path or the PEM text itself`);
  }
  if (!text.includes('-----BEGIN')) throw new ConfigError(`invalid environment:\n  ${name}: ${value} is not a PEM file`);
  return { pem: Buffer.from(text), from: value };
}

export function temporalConnectionFrom(env: Env, address: string): TemporalConnectionSettings {
  const settings: TemporalConnectionSettings = { address, namespace: env.TEMPORAL_NAMESPACE, ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}) };
  if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
    throw new ConfigError(`invalid environment:\n  ${env.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'}: required with ${env.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'} (mTLS needs the certificate and its key)`);
  }
  const wanted = env.TEMPORAL_TLS ?? Boolean(env.TEMPORAL_TLS_CA || env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_SERVER_NAME || env.TEMPORAL_API_KEY);
  if (env.TEMPORAL_TLS === false && env.TEMPORAL_API_KEY) throw new ConfigError('invalid environment:\n  TEMPORAL_TLS: an API key is only sent over TLS; unset TEMPORAL_TLS or TEMPORAL_API_KEY');
  if (!wanted) return settings;
  const ca = env.TEMPORAL_TLS_CA ? readPem('TEMPORAL_TLS_CA', env.TEMPORAL_TLS_CA) : undefined;
  const cert = env.TEMPORAL_TLS_CERT ? readPem('TEMPORAL_TLS_CERT', env.TEMPORAL_TLS_CERT) : undefined;
  const key = env.TEMPORAL_TLS_KEY ? readPem('TEMPORAL_TLS_KEY', env.TEMPORAL_TLS_KEY) : undefined;
  const parts = [
    cert ? `mTLS (client certificate ${cert.from})` : 'TLS',
    ca ? `CA ${ca.from}` : 'system CAs',
    ...(env.TEMPORAL_TLS_SERVER_NAME ? [`server name ${env.TEMPORAL_TLS_SERVER_NAME}`] : []),
    ...(env.TEMPORAL_API_KEY ? ['API key'] : []),
  ];
  return {
    ...settings,
    tls: {
      ...(ca ? { ca: ca.pem } : {}),
      ...(cert && key ? { clientCert: { cert: cert.pem, key: key.pem } } : {}),
      ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverName: env.TEMPORAL_TLS_SERVER_NAME } : {}),
      describe: parts.join(', '),
    },
  };
}

/** One line for logs and the doctor: how this process reaches Temporal. */
export function describeTemporalSecurity(settings: Pick<TemporalConnectionSettings, 'tls' | 'apiKey'>): string {
  return settings.tls?.describe ?? 'plaintext (no TLS)';
}

/** TEMPORAL_CODEC_KEYS and the codec endpoint's settings, as startKeyops takes them. */
export function payloadCodecFrom(env: Env): { keys: Env['TEMPORAL_CODEC_KEYS']; endpointToken?: string; uiOrigin?: string } {
  return {
    keys: env.TEMPORAL_CODEC_KEYS,
    ...(env.TEMPORAL_CODEC_ENDPOINT_TOKEN ? { endpointToken: env.TEMPORAL_CODEC_ENDPOINT_TOKEN } : {}),
    ...(env.TEMPORAL_UI_ORIGIN ? { uiOrigin: env.TEMPORAL_UI_ORIGIN } : {}),
  };
}

export const CODEC_KEYS_HINT = 'generate one with: echo "TEMPORAL_CODEC_KEYS=k1:$(openssl rand -base64 32)"';

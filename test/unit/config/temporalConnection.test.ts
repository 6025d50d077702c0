import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from '../../../config/env';
import { temporalConnectionFrom } from '../../../config/temporalConnection';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const settings = (env: Record<string, string>) => temporalConnectionFrom(parseEnv(env), 'temporal:7233');

describe('Temporal connection settings from the environment', () => {
  it('is plaintext with nothing set', () => {
    expect(settings({}).tls).toBeUndefined();
  });

  it('turns TLS on for an API key alone (Temporal Cloud), with the system CAs', () => {
    const s = settings({ TEMPORAL_API_KEY: 'key' });
    expect(s.apiKey).toBe('key');
    expect(s.tls).toMatchObject({ describe: 'TLS, system CAs, API key' });
    expect(s.tls?.ca).toBeUndefined();
  });

  it('reads PEM text inline (with \\n written out) or from a file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-pem-'));
    writeFileSync(path.join(dir, 'key.pem'), PEM.replace(/CERTIFICATE/g, 'PRIVATE KEY'));
    const s = settings({ TEMPORAL_TLS_CERT: PEM.replace(/\n/g, '\\n'), TEMPORAL_TLS_KEY: path.join(dir, 'key.pem') });
    expect(s.tls?.clientCert?.cert.toString()).toBe(PEM);
    expect(s.tls?.clientCert?.key.toString()).toContain('BEGIN PRIVATE KEY');
    expect(s.tls?.describe).toBe('mTLS (client certificate inline), system CAs');
  });

  it('names the variable at fault', () => {
    expect(() => settings({ TEMPORAL_TLS_CERT: PEM })).toThrow(/TEMPORAL_TLS_KEY: required with TEMPORAL_TLS_CERT/);
    expect(() => settings({ TEMPORAL_TLS_CA: '/nowhere/ca.pem' })).toThrow(/TEMPORAL_TLS_CA: cannot read \/nowhere\/ca.pem \(ENOENT\)/);
    expect(() => settings({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key' })).toThrow(/only sent over TLS/);
  });
});

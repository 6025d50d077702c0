/**
 * docker-compose.yml cannot run here (no Docker engine), so what can be checked is checked: every
 * variable keyops's services get is one keyops reads, every image is pinned, and every keyops role
 * is there with a health check.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../../../config/env';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, unknown>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.resolve(__dirname, '../../../docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const keyopsServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs the three roles from the built image, each with a health check', () => {
    const entries = keyopsServices.map(([, s]) => s.command?.find((c) => c.startsWith('dist/bin/')));
    expect(entries.sort()).toEqual(['dist/bin/api.js', 'dist/bin/bot.js', 'dist/bin/worker.js']);
    for (const [name, service] of keyopsServices) expect({ name, health: service.healthcheck?.test.join(' ') }).toEqual({ name, health: expect.stringContaining('/healthz') });
  });

  it('gives keyops only variables its config schema knows', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const [name, service] of keyopsServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((v) => !known.has(v));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });

  it('gives each role its own port', () => {
    const ports = keyopsServices.map(([, s]) => String(s.environment?.PORT));
    expect(new Set(ports).size).toBe(keyopsServices.length);
  });

  it('pins every image it pulls to a version (major.minor at least, never latest)', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) continue;
      const tag = service.image?.split(':')[1] ?? '';
      expect({ name, tag }).toEqual({ name, tag: expect.stringMatching(/^v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$|@sha256:/) });
    }
  });
});

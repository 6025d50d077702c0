/**
 * docker-compose.yml cannot run here (no Docker engine), so what can be checked is checked: every
 * variable keyops's services get is one keyops reads, every image is pinned, and every keyops role
 * is there with a health check. The container build check (test/container) starts these services'
 * commands with this environment from a build of the Dockerfile.
 */
import { interpolateCompose, isPinnedImage, keyopsServices, readCompose, unknownEnvNames } from '../../support/deployFiles';

const services = keyopsServices();

describe('docker-compose.yml', () => {
  it('runs the three roles from the built image, each with a health check', () => {
    const entries = services.map(([, s]) => s.command?.find((c) => c.startsWith('dist/bin/')));
    expect(entries.sort()).toEqual(['dist/bin/api.js', 'dist/bin/bot.js', 'dist/bin/worker.js']);
    for (const [name, service] of services) expect({ name, health: service.healthcheck?.test.join(' ') }).toEqual({ name, health: expect.stringContaining('/healthz') });
  });

  it('gives keyops only variables its config schema knows', () => {
    for (const [name, service] of services) {
      expect({ service: name, unknown: unknownEnvNames(Object.keys(service.environment ?? {})) }).toEqual({ service: name, unknown: [] });
    }
  });

  it('gives each role its own port', () => {
    const ports = services.map(([, s]) => String(s.environment?.PORT));
    expect(new Set(ports).size).toBe(services.length);
  });

  it('pins every image it pulls to a version (major.minor at least, never latest)', () => {
    for (const [name, service] of Object.entries(readCompose().services)) {
      if (service.build !== undefined) continue;
      expect({ name, image: service.image, pinned: isPinnedImage(service.image ?? '') }).toEqual({ name, image: service.image, pinned: true });
    }
  });

  it('refuses to start without the secrets, and fills in defaults as compose does', () => {
    const env = services.find(([name]) => name === 'keyops-api')?.[1].environment ?? {};
    expect(() => interpolateCompose(String(env.VERIFY_API_TOKEN), {})).toThrow(/VERIFY_API_TOKEN/);
    expect(interpolateCompose(String(env.REDIS_URL), {})).toBe('redis://redis:6379');
    expect(interpolateCompose(String(env.DATABASE_URL), { POSTGRES_PASSWORD: 'pw' })).toBe('postgresql://keyops:pw@postgres:5432/keyops');
  });
});

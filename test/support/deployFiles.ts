/**
 * What the deployment files (docker-compose.yml, deploy/kubernetes/) are checked against, shared by
 * their tests and the container build check: the config schema's variable names, what a pinned
 * image looks like, and compose's services with their variables as compose would fill them in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '../../config/env';

export const ROOT = path.resolve(__dirname, '../..');

/** The names among `names` that keyops's config schema does not read (a typo, or a variable keyops dropped). */
export function unknownEnvNames(names: Iterable<string>): string[] {
  const known = new Set(Object.keys(envSchema.shape));
  return [...names].filter((name) => !known.has(name));
}

/** `name:1.2.3`, `name:v1.2`, `name:1.2.3-alpine` or a digest; never `latest`, a bare major or no tag. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1] ?? '';
  return /^v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/.test(tag);
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, unknown>;
  healthcheck?: { test: string[] };
}

export function readCompose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
}

/** The services built from keyops's own image (the Dockerfile). */
export function keyopsServices(): [string, ComposeService][] {
  return Object.entries(readCompose().services).filter(([, s]) => s.build !== undefined);
}

/** Compose's interpolation: `${X}`, `${X:-default}`, `${X:?error}` (refused when X is unset or empty), `$$`. */
export function interpolateCompose(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const set = vars[name as string];
    const present = op?.startsWith(':') ? set !== undefined && set !== '' : set !== undefined;
    if (op?.endsWith('?') && !present) throw new Error(`compose refuses to start: ${name}: ${arg}`);
    return present ? (set as string) : op?.endsWith('-') ? (arg as string) : '';
  });
}

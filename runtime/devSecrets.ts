/**
 * Secrets for the embedded, nothing-configured mode: generated once and kept (mode 0600) in the
 * data folder, so keys minted yesterday still verify after a restart. Production sets
 * KEY_HASH_SECRET and VERIFY_API_TOKEN explicitly and never reaches this file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({ keyHashSecret: z.string().min(32), verifyApiToken: z.string().min(16) });
export type DevSecrets = z.infer<typeof secretsSchema>;

export function loadOrCreateDevSecrets(dataDir: string): DevSecrets & { file: string } {
  const file = path.resolve(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = secretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is damaged; delete it to generate new secrets (keys minted under the old ones stop verifying)`);
    return { ...parsed.data, file };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = { keyHashSecret: randomBytes(32).toString('base64url'), verifyApiToken: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return { ...secrets, file };
}

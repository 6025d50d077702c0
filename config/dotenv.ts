/**
 * `.env` for `npm start` and `npx keyops`: read from the working directory (or KEYOPS_ENV_FILE),
 * never overriding what the environment already says (as Node's --env-file does; its parser too). Production
 * roles take their environment from their orchestrator and do not read it. KEYOPS_ENV_FILE set
 * empty turns it off (tests, which must not pick up a developer's .env).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

export function loadDotEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.KEYOPS_ENV_FILE === '') return null;
  const file = path.resolve(env.KEYOPS_ENV_FILE ?? '.env');
  if (!existsSync(file)) return null;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (env[name] === undefined) env[name] = value;
  }
  return file;
}

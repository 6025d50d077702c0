import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDotEnv } from '../../../config/dotenv';
import { envSchema, parseEnv } from '../../../config/env';

describe('.env', () => {
  it('lists every variable keyops reads in .env.example, and that file parses', () => {
    const example = readFileSync(path.resolve(__dirname, '../../../.env.example'), 'utf8');
    const names = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(envSchema.shape).sort());
    const values = Object.fromEntries([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => parseEnv(values)).not.toThrow();
  });

  it('is read without overriding the environment, and can be turned off', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyops-dotenv-'));
    const file = path.join(dir, '.env');
    writeFileSync(file, 'KEYOPS_TEST_FROM_FILE=file\nKEYOPS_TEST_BOTH=file\n');
    const off: NodeJS.ProcessEnv = { KEYOPS_ENV_FILE: '' };
    expect(loadDotEnv(off)).toBeNull();
    expect(off.KEYOPS_TEST_FROM_FILE).toBeUndefined();
    const env: NodeJS.ProcessEnv = { KEYOPS_ENV_FILE: file, KEYOPS_TEST_BOTH: 'environment' };
    expect(loadDotEnv(env)).toBe(file);
    expect(env.KEYOPS_TEST_FROM_FILE).toBe('file');
    expect(env.KEYOPS_TEST_BOTH).toBe('environment');
  });
});

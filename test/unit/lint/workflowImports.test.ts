/**
 * Workflows must stay deterministic: the lint config forbids Node built-ins, Prisma, the Slack
 * client and nanoid under workflows/. This runs the project's real ESLint config on snippets.
 */
import path from 'node:path';
import { ESLint } from 'eslint';

// The config is passed in rather than found on disk: ESLint loads config files with a dynamic
// import, which jest's module sandbox does not support.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../../eslint.config.js') as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: path.resolve(__dirname, '../../..'), overrideConfigFile: true, overrideConfig: config });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(__dirname, '../../..', filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('lint: workflows/ imports', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'Node built-ins'],
    ["import crypto from 'crypto';", 'Node built-ins'],
    ["import { PrismaClient } from '../generated/prisma/client';", 'database'],
    ["import { createDb } from '../db/client';", 'database'],
    ["import { WebClient } from '@slack/web-api';", 'Slack'],
    ["import { nanoid } from 'nanoid';", 'randomness'],
    ["import { createActivities } from '../activities';", 'import type'],
  ])('rejects %s', async (code, reason) => {
    const found = await problems(`${code}\nexport const x = 1;\n`, 'workflows/example.ts');
    expect(found.join('\n')).toContain(reason);
  });

  it('allows the Temporal workflow API and type-only activity imports', async () => {
    const code = "import { sleep } from '@temporalio/workflow';\nimport type { Activities } from '../activities';\nexport async function wf(): Promise<Activities | void> { await sleep(1); }\n";
    expect(await problems(code, 'workflows/example.ts')).toEqual([]);
  });

  it('does not restrict the same imports outside workflows/', async () => {
    expect(await problems("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'activities/example.ts')).toEqual([]);
  });
});

/**
 * `npm start` after a crash with nothing changed: its build step (`npm run build`, which prestart
 * runs) regenerates, recompiles and rebundles nothing, so a restart costs keyops's own start rather than
 * ~30 s of `prisma generate` and `tsc` on two cores.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const OUTPUTS = ['generated/prisma/client.ts', 'generated/prisma/models/ApiKey.ts', 'dist/bin/keyops.js', 'dist/runtime/keyops.js', 'dist/workflow-bundle.js'];

function build(): string {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' } });
  expect(result.status).toBe(0);
  return `${result.stdout}${result.stderr}`;
}

const modified = (): number[] => OUTPUTS.map((f) => statSync(path.join(ROOT, f)).mtimeMs);

it('rebuilds nothing when nothing changed since the last build', () => {
  build(); // whatever a fresh checkout or an edit left to do
  const before = modified();
  const output = build();
  expect(modified()).toEqual(before);
  expect(output).toContain('prisma client up to date');
  expect(output).toContain('typescript up to date');
  expect(output).toContain('workflow bundle up to date');
}, 600_000);

#!/usr/bin/env node
// `npm run build`, which `npm start` runs first: `prisma generate`, `tsc`, then the workflow
// bundle the worker loads (scripts/bundle-workflows.js), each skipped when
// nothing it reads changed since it last succeeded (scripts/buildInputs.js). A restart after a
// crash then costs keyops's own start, not ~30 s of regenerating and recompiling identical output
// on two cores. `--force` runs every step regardless.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, prisma, typescript, workflowBundle, upToDate, markBuilt } = require('./buildInputs');

const force = process.argv.includes('--force');

function run(step, args) {
  const hash = step.hash();
  if (!force && upToDate(step, hash)) {
    console.error(`build: ${step.name} up to date, skipped`);
    return;
  }
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  markBuilt(step, hash);
}

// prisma-generate.js stamps its output itself too: it also runs alone, as postinstall.
run(prisma, [path.join(ROOT, 'scripts/prisma-generate.js')]);
run(typescript, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
run(workflowBundle, [path.join(ROOT, 'scripts/bundle-workflows.js')]);

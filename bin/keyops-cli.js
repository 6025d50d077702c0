#!/usr/bin/env node
/**
 * `npx keyops` (package.json "bin"). In a clone with dev dependencies it runs the TypeScript
 * sources through tsx, so the CLI is never older than the checkout and needs no build; in a
 * production install (npm ci --omit=dev, no tsx) it runs the built dist/cli.
 */
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'dist', 'cli', 'index.js');

function hasTsx() {
  try {
    require.resolve('tsx/cjs', { paths: [root] });
    return fs.existsSync(path.join(root, 'cli', 'index.ts'));
  } catch {
    return false;
  }
}

if (hasTsx()) {
  require(require.resolve('tsx/cjs', { paths: [root] }));
  require(path.join(root, 'cli', 'index.ts'));
} else if (fs.existsSync(built)) {
  require(built);
} else {
  process.stderr.write('keyops: neither tsx (dev dependencies) nor a build (dist/) is here: run `npm ci`, or `npm run build` after `npm ci --omit=dev`\n');
  process.exitCode = 1;
}

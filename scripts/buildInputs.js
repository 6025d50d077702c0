// What each build step reads, hashed (SHA-256 over contents and the tool's version), and where the
// hash of its last successful run is kept: scripts/build.js skips a step whose hash is unchanged.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function digest(files, extra) {
  const hash = createHash('sha256').update(extra);
  for (const file of [...files].sort()) hash.update(`\0${path.relative(ROOT, file)}\0`).update(readFileSync(file));
  return hash.digest('hex');
}

const prisma = {
  name: 'prisma client',
  stamp: path.join(ROOT, 'generated/prisma/.keyops-inputs'),
  output: path.join(ROOT, 'generated/prisma/client.ts'),
  hash: () => digest([path.join(ROOT, 'prisma/schema.prisma'), path.join(ROOT, 'scripts/prisma-generate.js')], `prisma ${require('prisma/package.json').version}`),
};

const typescript = {
  name: 'typescript',
  stamp: path.join(ROOT, 'dist/.keyops-inputs'),
  output: path.join(ROOT, 'dist/bin/keyops.js'),
  hash() {
    // The build's own list of sources, as tsc reads it (includes, excludes, the generated client).
    const ts = require('typescript');
    const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const sources = config ? config.fileNames : [];
    return digest([...sources, path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'tsconfig.build.json')], `typescript ${ts.version} ${sources.length}`);
  },
};

// Bundled from tsc's output (scripts/bundle-workflows.js): it changes exactly when that does, or
// when the SDK that bundles it does.
const workflowBundle = {
  name: 'workflow bundle',
  stamp: path.join(ROOT, 'dist/.keyops-workflow-bundle-inputs'),
  output: path.join(ROOT, 'dist/workflow-bundle.js'),
  hash: () => digest([path.join(ROOT, 'scripts/bundle-workflows.js')], `${typescript.hash()} @temporalio/worker ${require('@temporalio/worker/package.json').version}`),
};

function upToDate(step, hash) {
  return existsSync(step.output) && existsSync(step.stamp) && readFileSync(step.stamp, 'utf8').trim() === hash;
}

function markBuilt(step, hash) {
  mkdirSync(path.dirname(step.stamp), { recursive: true });
  writeFileSync(step.stamp, `${hash}\n`);
}

module.exports = { ROOT, prisma, typescript, workflowBundle, upToDate, markBuilt };

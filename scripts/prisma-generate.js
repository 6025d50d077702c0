#!/usr/bin/env node
// `prisma generate` only needs the schema parser (WebAssembly), but the CLI insists on resolving a
// schema-engine binary first and would try to download it. Any existing path satisfies the check
// offline; a real engine, where one is installed, is used as is.
const { spawnSync } = require('node:child_process');

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
// Recorded so that `npm run build` (and `npm start`) can skip a generate with the same inputs.
if (result.status === 0) {
  const { prisma, markBuilt } = require('./buildInputs');
  markBuilt(prisma, prisma.hash());
}
process.exit(result.status ?? 1);

#!/usr/bin/env node
// The workflow bundle the worker loads (temporal/workflowSource.ts): the compiled workflows
// (dist/workflows) and everything they import, bundled once here by the SDK's webpack, so that a
// worker start costs no bundling (seconds of CPU on every start and every replica otherwise).
// `node scripts/bundle-workflows.js [out]`; scripts/build.js runs it after tsc.
const { writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');
const { bundleWorkflowCode } = require('@temporalio/worker');

const ROOT = path.resolve(__dirname, '..');
const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist/workflow-bundle.js'));
const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

bundleWorkflowCode({ workflowsPath: require.resolve(path.join(ROOT, 'dist/workflows')), logger: quiet }).then(
  ({ code }) => {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, code);
    console.error(`build: workflow bundle written to ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)`);
  },
  (error) => {
    console.error(`build: workflow bundle failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

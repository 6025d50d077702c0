// @ts-check
const tseslint = require('typescript-eslint');

/** Workflows must stay deterministic: no I/O, clock, randomness or side-effecting clients. */
const workflowForbidden = [
  { group: ['node:*'], message: 'Workflows are deterministic: no Node built-ins. Move I/O to activities/.' },
  ...['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'zlib', 'util', 'events', 'stream', 'dns', 'tls', 'worker_threads', 'process', 'timers'].map((name) => ({
    group: [name, `${name}/*`],
    message: 'Workflows are deterministic: no Node built-ins. Move I/O to activities/.',
  })),
  { group: ['@prisma/*', '**/generated/prisma/**', '**/db/*'], message: 'No database access in workflows: use an activity.' },
  { group: ['@slack/*'], message: 'No Slack client in workflows: use an activity.' },
  { group: ['nanoid', 'nanoid/*'], message: 'No randomness in workflows: ids come from activities or workflow inputs.' },
  { group: ['pg', 'pg/*'], message: 'No database access in workflows: use an activity.' },
  { group: ['**/activities/*', '**/activities'], allowTypeImports: true, message: 'Import activities with `import type` and proxyActivities.' },
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'generated/**', 'node_modules/**', '.keyops/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: workflowForbidden }],
    },
  },
  {
    files: ['scripts/**/*.js', 'bin/**/*.js', 'jest.config.js', 'eslint.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['bin/**/*.ts', 'bin/**/*.js', 'bench/**/*.ts', 'scripts/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);

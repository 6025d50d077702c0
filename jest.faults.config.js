/**
 * `npm run test:faults`: the fault-injection suite (test/faults). keyops runs as real child
 * processes that the tests kill, against real PostgreSQL and Temporal servers; kept out of
 * `npm test` because each fault costs restarts. Prints a table of faults and recovery times.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  // Two cores: each file runs its own keyops processes and Temporal server.
  maxWorkers: 2,
  testTimeout: 420000,
  globalSetup: '<rootDir>/test/faults/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/faults/support/globalTeardown.ts',
};

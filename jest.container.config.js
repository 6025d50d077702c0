/**
 * `npm run test:container`: the Dockerfile built without Docker and its runtime stage started as
 * compose and Kubernetes start it (test/container). Kept out of `npm test`: the build alone is an
 * `npm ci`, a TypeScript build and a prune (minutes on two cores). .ci/run runs it after npm test.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/container/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 600000,
};

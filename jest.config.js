/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

const integration = {
  testEnvironment: 'node',
  transform,
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
};
// test/timezones only means something off UTC: `npm test` runs it again under two zones
// (package.json, test:timezones), and a plain `jest` on a UTC host leaves it out.
const offUtc = new Date(2026, 0, 1).getTimezoneOffset() !== 0;

module.exports = {
  testEnvironment: 'node',
  // Two cores: integration tests share one Postgres server and start Temporal servers.
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { displayName: 'integration', ...integration, testMatch: ['<rootDir>/test/{db,activities,workflows,api,e2e,cli}/**/*.test.ts'] },
    ...(offUtc ? [{ displayName: 'timezones', ...integration, testMatch: ['<rootDir>/test/timezones/**/*.test.ts'] }] : []),
  ],
};

/** Unit tests need no database; e2e tests run against PostgreSQL (DATABASE_URL) or embedded PGlite. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['reflect-metadata'],
  // After the summary, one line for each skipped block saying why (test/support/requirements.ts).
  reporters: ['default', '<rootDir>/test/support/skip-reporter.js'],
};

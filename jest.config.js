/**
 * One jest run for the whole workspace: TypeScript through swc, the kit and the contract from source.
 * `<service>/test/unit/` holds tests with in-memory fakes only (no NATS, database, Koa server or Chromium);
 * `npm run test:unit` runs just those, without the global setup's database. Every other test uses real parts.
 */
module.exports = {
  testEnvironment: 'node',
  // Every workspace (the kit, the contract, each service) and the cross-service tests.
  roots: [...require('./package.json').workspaces, 'test'].map((folder) => `<rootDir>/${folder}`),
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/system/', '<rootDir>/test/cluster/', '<rootDir>/test/images/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  moduleNameMapper: {
    '^@playbook/kit$': '<rootDir>/kit/src/index.ts',
    '^@playbook/kit/(nats|mongo)$': '<rootDir>/kit/src/$1.ts',
    '^@playbook/contract$': '<rootDir>/contract/src/index.ts',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};

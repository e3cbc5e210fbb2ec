/**
 * The image suite (test/images): the stack run from the container images built by `npm run images`,
 * with the chart's security settings. One file at a time: the containers share the machine's podman.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/images'],
  testMatch: ['**/test/images/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 300_000,
};

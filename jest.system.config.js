/**
 * The system suite (test/system): the whole stack as real processes, faults, load and hostile input.
 * One file at a time: each file starts its own stack, and two stacks at once on a 2-core machine would
 * measure each other instead of the system. `SYSTEM_FULL=1` selects the long forms (npm run test:system:full).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/system'],
  testMatch: ['**/test/system/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 1,
  testTimeout: 120_000,
};

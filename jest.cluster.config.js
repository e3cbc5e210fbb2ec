/**
 * The cluster suite (test/cluster): the Helm chart on a real Kubernetes control plane (kube-apiserver, etcd,
 * controller-manager, scheduler, kwok nodes) built by scripts/cluster.sh. The global setup starts the plane
 * (or uses CLUSTER_KUBECONFIG) and the teardown stops it. One file at a time: they share the one control
 * plane, and each release owns a namespace.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/cluster/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 300_000,
};

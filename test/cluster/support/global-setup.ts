import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from '../../deploy/support/helm';

/**
 * Starts the control plane (scripts/cluster.sh up, built beforehand by `cluster.sh build`) for the whole run,
 * unless CLUSTER_KUBECONFIG already names a cluster. Each run gets its own run directory, so two runs on one
 * machine never stop each other's plane, and the plane watches this process and stops itself if the run dies
 * before the global teardown.
 */
export default function globalSetup(): void {
  if (process.env.CLUSTER_KUBECONFIG) return;
  const ownRunDir = resolve(ROOT, '.run/k8s', `jest-${process.pid}`);
  const runDir = process.env.CLUSTER_RUN_DIR ?? ownRunDir;
  const kubeconfig = execFileSync('bash', [resolve(ROOT, 'scripts/cluster.sh'), 'up'], {
    env: { ...process.env, CLUSTER_RUN_DIR: runDir, CLUSTER_OWNER_PID: String(process.pid) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 240_000,
  }).trim();
  process.env.CLUSTER_KUBECONFIG = kubeconfig;
  process.env.CLUSTER_RUN_DIR = runDir;
  process.env.CLUSTER_STARTED_PLANE = '1';
  if (runDir === ownRunDir) process.env.CLUSTER_OWN_RUN_DIR = ownRunDir;
}

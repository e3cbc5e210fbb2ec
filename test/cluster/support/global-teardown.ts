import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../../deploy/support/helm';

/** Stops the control plane the global setup started and removes its run directory; a cluster named by the operator is left alone. */
export default function globalTeardown(): void {
  if (process.env.CLUSTER_STARTED_PLANE !== '1') return;
  execFileSync('bash', [resolve(ROOT, 'scripts/cluster.sh'), 'down'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
  if (process.env.CLUSTER_OWN_RUN_DIR) rmSync(process.env.CLUSTER_OWN_RUN_DIR, { recursive: true, force: true });
}

import { resolve } from 'node:path';
import { z } from 'zod';
import { ROOT } from '../../deploy/support/helm';

/**
 * Where the cluster suite runs. By default on the control plane scripts/cluster.sh starts for the run (the
 * global setup sets CLUSTER_KUBECONFIG); an operator points CLUSTER_KUBECONFIG at their own cluster instead
 * and adds their registry and storage with CLUSTER_VALUES (see docs/deploy.md).
 */
const clusterEnvSchema = z.object({
  CLUSTER_KUBECONFIG: z.string().min(1, 'CLUSTER_KUBECONFIG is not set: run the suite with jest -c jest.cluster.config.js'),
  /** Value files (comma-separated) added to every install, after the profile's own. */
  CLUSTER_VALUES: z.string().default('').transform((list) => list.split(',').filter(Boolean).map((file) => resolve(ROOT, file))),
  /** A StorageClass that refuses volume expansion (the local plane's kwok-fixed). */
  CLUSTER_FIXED_STORAGE_CLASS: z.string().min(1).default('kwok-fixed'),
  /** The chart under test; a packaged chart or a copy with a planted fault works too. */
  CLUSTER_CHART: z.string().default('helm/playbook').transform((path) => resolve(ROOT, path)),
  /** The kubectl to use: the one built with the plane, unless the operator has their own. */
  CLUSTER_KUBECTL: z.string().default('.bin/k8s/kubectl').transform((path) => resolve(ROOT, path)),
});

export type ClusterEnv = z.infer<typeof clusterEnvSchema>;

export const readClusterEnv = (): ClusterEnv => clusterEnvSchema.parse(process.env);

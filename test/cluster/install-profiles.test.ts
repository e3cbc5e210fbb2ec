import {
  createRestrictedNamespace, createSecrets, deleteNamespace, eventsOf, list, mustDeploy, profiles,
} from './support/cluster';

const namespaceOf = (profile: string) => `install-${profile}`;

describe('helm install on a real control plane, every values profile', () => {
  it.each(profiles(namespaceOf).map((profile) => [profile.name, profile] as const))(
    'installs %s with --wait, every pod admitted under Pod Security restricted',
    async (_name, profile) => {
      const namespace = namespaceOf(profile.name);
      await createRestrictedNamespace(namespace);
      await createSecrets(namespace, profile.secrets);
      try {
        await mustDeploy('install', namespace, profile.valueFiles);

        expect(await eventsOf(namespace, 'FailedCreate')).toEqual([]);
        const workloads = await list(namespace, 'deployments,statefulsets');
        expect(workloads.length).toBeGreaterThan(0);
        for (const workload of workloads) {
          expect({ name: workload.metadata.name, ready: workload.status.readyReplicas ?? 0 })
            .toEqual({ name: workload.metadata.name, ready: workload.spec.replicas });
        }
        const pods = await list(namespace, 'pods');
        const notRunning = pods.filter((pod) => pod.status.phase !== 'Running').map((pod) => `${pod.metadata.name}: ${pod.status.phase}`);
        expect(notRunning).toEqual([]);
        const claims = await list(namespace, 'pvc');
        expect(claims.filter((claim) => claim.status.phase !== 'Bound').map((claim) => claim.metadata.name)).toEqual([]);
      } finally {
        await deleteNamespace(namespace);
      }
    },
  );
});

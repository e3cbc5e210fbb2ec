import {
  createRestrictedNamespace, deleteNamespace, getObject, helm, kubectl, mustDeploy, podSnapshot, RELEASE, upgradeWithinBudgets, waitForSettled,
} from './support/cluster';
import { readClusterEnv } from './support/cluster-env';

const claimSize = async (namespace: string, name: string) =>
  (await getObject(namespace, 'pvc', name))?.spec.resources.requests.storage as string | undefined;

const grown = ['mongodb.persistence.size=20Gi', 'nats.persistence.size=10Gi', 'backup.persistence.size=40Gi'];

/**
 * docs/deploy.md lets an operator change every persistence size ("What an upgrade may change"). The upgrade
 * must succeed whatever the StorageClass: the backup claim grows where the class allows expansion, a
 * StatefulSet's claims keep their size (its volumeClaimTemplates are immutable), and the notes name every
 * claim left as it was with the steps that grow it.
 */
describe('persistence sizes change on upgrade', () => {
  async function withRelease(namespace: string, sets: string[], body: () => Promise<void>) {
    await createRestrictedNamespace(namespace);
    try {
      await mustDeploy('install', namespace, [], sets);
      await waitForSettled(namespace);
      await body();
    } finally {
      await helm(['uninstall', RELEASE, '--namespace', namespace, '--wait']);
      await deleteNamespace(namespace);
    }
  }

  it('grows the backup claim on an expandable StorageClass, keeps the StatefulSets\' claims, and the noted steps grow those', async () => {
    const namespace = 'persistence-expandable';
    await withRelease(namespace, [], async () => {
      const notes = await upgradeWithinBudgets(namespace, [], grown);

      expect(await claimSize(namespace, `${RELEASE}-backup`)).toBe('40Gi');
      expect(await claimSize(namespace, `data-${RELEASE}-mongodb-0`)).toBe('10Gi');
      expect(await claimSize(namespace, `data-${RELEASE}-nats-0`)).toBe('5Gi');
      expect(notes).toContain(`patch pvc data-${RELEASE}-mongodb-0`);
      expect(notes).toContain(`patch pvc data-${RELEASE}-nats-0`);
      expect(notes).not.toContain(`PVC ${RELEASE}-backup stays`);

      // The steps the notes print (docs/deploy.md, "Growing a volume"): grow the claim, orphan the StatefulSet, upgrade.
      const pods = await podSnapshot(namespace);
      await kubectl(['-n', namespace, 'patch', 'pvc', `data-${RELEASE}-mongodb-0`, '-p', '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}']);
      await kubectl(['-n', namespace, 'delete', 'statefulset', `${RELEASE}-mongodb`, '--cascade=orphan']);
      const after = await upgradeWithinBudgets(namespace, [], grown);

      expect(after).not.toContain(`patch pvc data-${RELEASE}-mongodb-0`);
      const statefulSet = await getObject(namespace, 'statefulset', `${RELEASE}-mongodb`);
      expect(statefulSet?.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
      expect(await claimSize(namespace, `data-${RELEASE}-mongodb-0`)).toBe('20Gi');
      expect(await podSnapshot(namespace)).toEqual(pods);
    });
  });

  it('keeps every claim\'s size on a StorageClass without expansion, upgrades anyway and names the kept claims', async () => {
    const namespace = 'persistence-fixed';
    const storageClass = readClusterEnv().CLUSTER_FIXED_STORAGE_CLASS;
    const fixed = ['mongodb', 'nats', 'backup'].map((component) => `${component}.persistence.storageClass=${storageClass}`);
    await withRelease(namespace, fixed, async () => {
      const notes = await upgradeWithinBudgets(namespace, [], [...fixed, ...grown]);

      expect(await claimSize(namespace, `${RELEASE}-backup`)).toBe('20Gi');
      expect(await claimSize(namespace, `data-${RELEASE}-mongodb-0`)).toBe('10Gi');
      expect(await claimSize(namespace, `data-${RELEASE}-nats-0`)).toBe('5Gi');
      expect(notes).toContain(`PVC ${RELEASE}-backup stays at 20Gi`);
      expect(notes).toContain(`patch pvc data-${RELEASE}-mongodb-0`);
    });
  });
});

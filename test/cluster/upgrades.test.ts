import { mkdtempSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRestrictedNamespace, createSecrets, DATABASE_CREDENTIALS, databaseSecretData, databaseSecrets, deleteNamespace, getObject, helm, list,
  mustDeploy, pdbBreaches, podSnapshot, RELEASE, rolledComponents, secretData, upgradeWithinBudgets, waitForSettled, type KubeObject,
} from './support/cluster';

const namespace = 'upgrades';

/**
 * One release (the chart's default values) taken through the changes docs/deploy.md allows, in order. Every
 * step is a `helm upgrade --wait` with the values so far, watched: no Deployment may go below the healthy
 * count its PodDisruptionBudget keeps.
 */
describe('helm upgrade on a real control plane', () => {
  const values: string[] = [];

  async function upgrade(sets: string[], extra: string[] = []): Promise<void> {
    values.push(...sets);
    await upgradeWithinBudgets(namespace, [], values, extra);
  }

  /**
   * The components whose pod template reads an object (a ConfigMap or Secret, through env, envFrom or a
   * volume), or with `key` one key of it through env.
   */
  /** The components whose pods read `name` (one `key` of it): as variables, whole, or as files from a volume. */
  async function readersOf(kind: 'configMap' | 'secret', name: string, key?: string): Promise<string[]> {
    const workloads = await list(namespace, 'deployments,statefulsets');
    const fields = kind === 'configMap' ? 'configMapRef|configMapKeyRef|configMap' : 'secretRef|secretKeyRef|secret';
    const reference = key === undefined
      ? new RegExp(`"(${fields})":\\{[^}]*"(name|secretName)":"${name}"`)
      : new RegExp(`"(${fields})":\\{(?=[^}]*"name":"${name}")(?=[^}]*"key":"${key.replace(/\./g, '\\.')}")|"secret":\\{(?=(?:[^{}]|\\{[^{}]*\\})*"secretName":"${name}")(?=(?:[^{}]|\\{[^{}]*\\})*\\{[^{}]*"key":"${key.replace(/\./g, '\\.')}")`);
    const reads = (workload: KubeObject) => reference.test(JSON.stringify(workload.spec.template.spec));
    return workloads.filter(reads).map((w) => w.metadata.labels?.['app.kubernetes.io/component'] ?? w.metadata.name).sort();
  }

  async function rolloutState() {
    const replicaSets = await list(namespace, 'replicasets');
    const statefulSets = await list(namespace, 'statefulsets');
    return {
      replicaSets: replicaSets.map((rs) => `${rs.metadata.name}@${rs.metadata.annotations?.['deployment.kubernetes.io/revision']}`).sort(),
      statefulSets: statefulSets.map((sts) => `${sts.metadata.name}@${sts.status.updateRevision}`).sort(),
    };
  }

  let generated: Record<string, string>;
  let credentials: Awaited<ReturnType<typeof databaseSecretData>>;

  beforeAll(async () => {
    await createRestrictedNamespace(namespace);
    await mustDeploy('install', namespace, []);
    await waitForSettled(namespace);
    generated = await secretData(namespace);
    credentials = await databaseSecretData(namespace);
  });

  afterAll(async () => {
    await helm(['uninstall', RELEASE, '--namespace', namespace, '--wait']);
    await deleteNamespace(namespace);
  });

  it('a no-op upgrade rolls nothing: the same pods, ReplicaSets and StatefulSet revisions', async () => {
    const pods = await podSnapshot(namespace);
    const state = await rolloutState();

    await upgrade([]);

    expect(await podSnapshot(namespace)).toEqual(pods);
    expect(await rolloutState()).toEqual(state);
    expect(await secretData(namespace)).toEqual(generated);
    expect(await databaseSecretData(namespace)).toEqual(credentials);
  });

  it('a config change rolls every pod that reads the ConfigMap, and only those', async () => {
    const readers = await readersOf('configMap', `${RELEASE}-config`);
    expect(readers).toEqual(['auth-service', 'gateway', 'pdf-service', 'project-service']);
    const before = await podSnapshot(namespace);

    await upgrade(['config.logLevel=debug']);

    const { rolled, kept } = rolledComponents(before, await podSnapshot(namespace));
    expect(rolled).toEqual(readers);
    expect(kept).toEqual(['mongodb', 'nats']);
    expect(await secretData(namespace)).toEqual(generated);
  });

  it('an image tag change rolls that service only', async () => {
    const before = await podSnapshot(namespace);

    await upgrade(['services.project-service.image.tag=1.0.1']);

    const deployment = await getObject(namespace, 'deployment', `${RELEASE}-project-service`);
    expect(deployment?.spec.template.spec.containers[0].image).toMatch(/:1\.0\.1$/);
    const { rolled } = rolledComponents(before, await podSnapshot(namespace));
    expect(rolled).toEqual(['project-service']);
  });

  it('a new JWT key rolls the pods that read it, and only those, and keeps the generated MongoDB password', async () => {
    const readers = await readersOf('secret', RELEASE, 'jwt-private-key.pem');
    expect(readers).toEqual(['auth-service']);
    const dir = mkdtempSync(join(tmpdir(), 'cluster-jwt-'));
    const keyFile = join(dir, 'jwt.pem');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const before = await podSnapshot(namespace);

    await upgrade([], ['--set-file', `secrets.jwtPrivateKey=${keyFile}`]);

    const { rolled } = rolledComponents(before, await podSnapshot(namespace));
    expect(rolled).toEqual(readers);
    const now = await secretData(namespace);
    expect(now['jwt-private-key.pem']).not.toEqual(generated['jwt-private-key.pem']);
    expect(now['mongo-root-password']).toEqual(generated['mongo-root-password']);
    expect(await databaseSecretData(namespace)).toEqual(credentials);
    generated = now;
  });

  it('autoscaling off with replicas=3, then on again, keeps three pods per service throughout', async () => {
    await upgrade(['serviceDefaults.autoscaling.enabled=false', 'serviceDefaults.replicas=3']);
    expect(await replicaCounts()).toEqual(everyService(3));
    expect(await list(namespace, 'hpa')).toEqual([]);

    await upgrade(['serviceDefaults.autoscaling.enabled=true']);

    expect(await replicaCounts()).toEqual(everyService(3));
    expect((await list(namespace, 'hpa')).map((hpa) => hpa.metadata.name).sort()).toEqual(Object.keys(everyService(0)).sort());
  });

  it('disabling and re-enabling the in-chart NATS and MongoDB upgrades, and MongoDB comes back to its claim, password and users\' Secrets', async () => {
    const claim = await getObject(namespace, 'pvc', `data-${RELEASE}-mongodb-0`);
    expect(claim).toBeDefined();
    const existingSecret = (credential: string) => `${credential === 'backup' ? 'backup' : `services.${credential}`}.mongoSecret.existingSecret`;
    await createSecrets(namespace, databaseSecrets('mongodb.example.internal:27017/?authSource=admin', 'mongo-url'));

    await upgrade(['nats.enabled=false', 'nats.external.url=nats://nats.nats.svc:4222', 'mongodb.enabled=false',
      ...DATABASE_CREDENTIALS.map((credential) => `${existingSecret(credential)}=mongodb-${credential}`)]);
    expect(await list(namespace, 'statefulsets')).toEqual([]);
    const deployment = await getObject(namespace, 'deployment', `${RELEASE}-gateway`);
    expect(deployment?.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'NATS_URL', value: 'nats://nats.nats.svc:4222' }]));

    const project = await getObject(namespace, 'deployment', `${RELEASE}-project-service`);
    expect(project?.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'MONGO_URL', valueFrom: { secretKeyRef: { name: 'mongodb-project-service', key: 'mongo-url' } } }]));

    await upgrade(['nats.enabled=true', 'mongodb.enabled=true', ...DATABASE_CREDENTIALS.map((credential) => `${existingSecret(credential)}=`)]);
    expect((await list(namespace, 'statefulsets')).map((sts) => sts.metadata.name).sort()).toEqual([`${RELEASE}-mongodb`, `${RELEASE}-nats`]);
    expect((await getObject(namespace, 'pvc', `data-${RELEASE}-mongodb-0`))?.metadata.uid).toEqual(claim?.metadata.uid);
    expect((await secretData(namespace))['mongo-root-password']).toEqual(generated['mongo-root-password']);
    expect(await databaseSecretData(namespace)).toEqual(credentials);
  });

  it('switching from Ingress to the Gateway API and back replaces the routing objects', async () => {
    const names = async (kind: string) => (await list(namespace, kind)).map((o) => o.metadata.name);
    expect(await names('ingress')).not.toEqual([]);

    await upgrade(['exposure=gatewayApi']);
    expect(await names('ingress')).toEqual([]);
    expect(await names('httproute')).toEqual([RELEASE]);

    await upgrade(['exposure=ingress']);
    expect(await names('httproute')).toEqual([]);
    expect(await names('ingress')).not.toEqual([]);
  });

  it('a rollback restores the previous revision\'s pods and keeps the generated secrets', async () => {
    const secrets = await secretData(namespace);
    await upgrade(['services.gateway.image.tag=9.9.9']);
    const history = JSON.parse((await helm(['history', RELEASE, '--namespace', namespace, '-o', 'json'])).stdout) as Array<{ revision: number }>;
    const previous = history[history.length - 2].revision;

    const { result, breaches } = await pdbBreaches(namespace, () => helm(['rollback', RELEASE, String(previous), '--namespace', namespace, '--wait', '--timeout', '180s']));
    expect(result.stderr).toBe('');
    expect(breaches).toEqual([]);
    await waitForSettled(namespace);
    values.pop();

    const gateway = await getObject(namespace, 'deployment', `${RELEASE}-gateway`);
    expect(gateway?.spec.template.spec.containers[0].image).not.toMatch(/:9\.9\.9$/);
    expect(await secretData(namespace)).toEqual(secrets);
  });

  it('uninstall then reinstall keeps the data claims and the generated secrets', async () => {
    const claims = async () => new Map((await list(namespace, 'pvc')).map((pvc) => [pvc.metadata.name, pvc.metadata.uid]));
    const before = await claims();
    const secrets = await secretData(namespace);
    expect([...before.keys()].sort()).toEqual([`${RELEASE}-backup`, `data-${RELEASE}-mongodb-0`, `data-${RELEASE}-nats-0`].sort());

    const uninstall = await helm(['uninstall', RELEASE, '--namespace', namespace, '--wait']);
    expect(uninstall.status).toBe(0);
    expect(await claims()).toEqual(before);
    await mustDeploy('install', namespace, [], values);
    await waitForSettled(namespace);

    expect(await claims()).toEqual(before);
    expect(await secretData(namespace)).toEqual(secrets);
    expect(await databaseSecretData(namespace)).toEqual(credentials);
  });

  async function replicaCounts(): Promise<Record<string, number>> {
    const deployments = await list(namespace, 'deployments');
    return Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.replicas as number]));
  }
});

const everyService = (replicas: number) => Object.fromEntries(
  ['gateway', 'auth-service', 'project-service', 'pdf-service'].map((name) => [`${RELEASE}-${name}`, replicas]),
);

import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { SERVICES } from '@playbook/contract';
import { ensureHelm, RELEASE, ROOT } from '../../deploy/support/helm';
import { readClusterEnv } from './cluster-env';

export { RELEASE };

type Run = { status: number; stdout: string; stderr: string };

function run(command: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = execFile(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolveRun({ status, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** kubectl against the cluster under test; throws with its stderr on a non-zero exit. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const env = readClusterEnv();
  const result = await run(env.CLUSTER_KUBECTL, ['--kubeconfig', env.CLUSTER_KUBECONFIG, ...args], input);
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/** A Kubernetes object as the server returns it, loosely typed: tests read it as data. */
export type KubeObject = {
  metadata: { name: string; uid: string; generation?: number; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- server objects of many kinds
  status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
};

/** `kubectl get KIND -n NAMESPACE -o json` as a list of objects (KIND may be "deploy,sts" or "pvc NAME"). */
export async function list(namespace: string, kinds: string): Promise<KubeObject[]> {
  const json = JSON.parse(await kubectl(['get', ...kinds.split(' '), '-n', namespace, '-o', 'json'])) as KubeObject & { items?: KubeObject[] };
  return json.items ?? [json];
}

export async function getObject(namespace: string, kind: string, name: string): Promise<KubeObject | undefined> {
  const found = await list(namespace, `${kind} ${name} --ignore-not-found`).catch(() => []);
  return found.find((object) => object.metadata?.name === name);
}

/** helm against the cluster under test with the chart under test; never throws on a non-zero exit. */
export function helm(args: string[]): Promise<Run> {
  const env = readClusterEnv();
  return run(ensureHelm(), [...args, '--kubeconfig', env.CLUSTER_KUBECONFIG]);
}

/** How a values profile is installed: its value files and the Secrets it expects to exist beforehand. */
export type Profile = { name: string; valueFiles: string[]; secrets: Array<{ name: string; data: Record<string, string> }> };

const jwtKeyPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The Secret an operator creates for `secrets.existingSecret` (docs/deploy.md, section 3). */
const operatorSecret = () => ({
  name: 'playbook-secrets',
  data: { 'jwt-private-key.pem': jwtKeyPem(), 'mongo-root-password': randomBytes(12).toString('hex') },
});

/** The credentials with a database user of their own: the data services and the backup job. */
export const DATABASE_CREDENTIALS = ['auth-service', 'project-service', 'pdf-service', 'backup'];

/**
 * The Secrets an operator creates for every `mongoSecret.existingSecret` (docs/deploy.md): `mongodb-<credential>`,
 * each holding one user's URL under `key`, for the hosts given.
 */
export const databaseSecrets = (hosts: string, key: string) => DATABASE_CREDENTIALS.map((credential) => ({
  name: `mongodb-${credential}`,
  data: { [key]: `mongodb://${credential}:${randomBytes(12).toString('hex')}@${hosts}` },
}));

/** The Secrets an operator creates for every `natsSecret.existingSecret`: `nats-<service>`, each one NATS user's password. */
export const natsSecrets = () => SERVICES.map(({ folder }) => ({ name: `nats-${folder}`, data: { 'nats-password': randomBytes(16).toString('hex') } }));

const deployValues = (file: string) => resolve(ROOT, 'test/deploy/values', file);

/** Every values profile the chart ships or documents, with what each needs created beforehand. */
export function profiles(namespaceOf: (profile: string) => string): Profile[] {
  return [
    { name: 'default', valueFiles: [], secrets: [] },
    {
      name: 'production',
      valueFiles: [resolve(ROOT, 'k8s/values/playbook-production.yaml')],
      secrets: [operatorSecret(), ...databaseSecrets(`${[0, 1, 2].map((i) => `playbook-mongodb-${i}.playbook-mongodb.${namespaceOf('production')}.svc:27017`).join(',')}/?authSource=admin&replicaSet=rs0`, 'mongo-url'), ...natsSecrets()],
    },
    {
      name: 'external-services',
      valueFiles: [deployValues('external-services.yaml')],
      secrets: [
        operatorSecret(),
        ...databaseSecrets('mongodb.example.internal:27017/?authSource=admin&replicaSet=rs0', 'uri'),
        { name: 'playbook-nats', data: { url: 'nats://nats.nats.svc:4222' } },
      ],
    },
    { name: 'gateway-api', valueFiles: [deployValues('gateway-api.yaml')], secrets: [] },
    { name: 'single-replica', valueFiles: [deployValues('single-replica.yaml')], secrets: [] },
  ];
}

/** A namespace enforcing Pod Security `restricted`, as k8s/cluster/ creates `playbook`: a pod the chart renders must be admitted under it. */
export async function createRestrictedNamespace(name: string): Promise<void> {
  await kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  }));
}

export async function createSecrets(namespace: string, secrets: Profile['secrets']): Promise<void> {
  for (const secret of secrets) {
    await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: secret.name, namespace }, type: 'Opaque', stringData: secret.data }));
  }
}

/** Starts removing a namespace and what is in it; no test reuses a name, so nothing waits for it. */
export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
}

/** `helm install|upgrade --wait` of the chart under test, with the profile's files, the operator's files and --set pairs. */
export async function deployChart(verb: 'install' | 'upgrade', namespace: string, valueFiles: string[], sets: string[] = [], extra: string[] = []): Promise<Run> {
  const env = readClusterEnv();
  const args = [verb, RELEASE, env.CLUSTER_CHART, '--namespace', namespace, '--wait', '--timeout', '180s'];
  for (const file of [...valueFiles, ...env.CLUSTER_VALUES]) args.push('-f', file);
  for (const pair of sets) args.push('--set', pair);
  return helm([...args, ...extra]);
}

/** Like deployChart, but fails the test with helm's own words when helm fails. */
export async function mustDeploy(verb: 'install' | 'upgrade', namespace: string, valueFiles: string[], sets: string[] = [], extra: string[] = []): Promise<string> {
  const result = await deployChart(verb, namespace, valueFiles, sets, extra);
  if (result.status !== 0) throw new Error(`helm ${verb} ${sets.join(' ')} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** Events in a namespace of one reason (e.g. FailedCreate: a controller could not create a pod, Pod Security among the causes). */
export async function eventsOf(namespace: string, reason: string): Promise<string[]> {
  const events = await list(namespace, 'events') as Array<KubeObject & { reason: string; message: string; involvedObject: { name: string } }>;
  return events.filter((event) => event.reason === reason).map((event) => `${event.involvedObject.name}: ${event.message}`);
}

/** Every pod of the namespace by name: its uid and the workload that owns it (a ReplicaSet's Deployment by label). */
export async function podSnapshot(namespace: string): Promise<Map<string, { uid: string; component: string }>> {
  const pods = await list(namespace, 'pods');
  return new Map(pods.filter((pod) => !pod.metadata.annotations?.['helm.sh/hook']).map((pod) => [
    pod.metadata.name,
    { uid: pod.metadata.uid, component: pod.metadata.labels?.['app.kubernetes.io/component'] ?? '' },
  ]));
}

/** The components whose pods were all replaced, and those whose pods all stayed, between two snapshots. */
export function rolledComponents(before: Awaited<ReturnType<typeof podSnapshot>>, after: Awaited<ReturnType<typeof podSnapshot>>): { rolled: string[]; kept: string[] } {
  const components = new Set([...before.values()].map((pod) => pod.component));
  const afterUids = new Set([...after.values()].map((pod) => pod.uid));
  const rolled: string[] = [];
  const kept: string[] = [];
  for (const component of components) {
    const uids = [...before.values()].filter((pod) => pod.component === component).map((pod) => pod.uid);
    if (uids.every((uid) => !afterUids.has(uid))) rolled.push(component);
    else if (uids.every((uid) => afterUids.has(uid))) kept.push(component);
  }
  return { rolled: rolled.sort(), kept: kept.sort() };
}

/**
 * Waits until every Deployment and StatefulSet has all its replicas updated and available and every
 * autoscaled Deployment is at least at its HPA's minimum, so a snapshot is not taken mid-rollout or mid-scale.
 */
export async function waitForSettled(namespace: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let unsettled: string[] = [];
  while (Date.now() < deadline) {
    const [workloads, hpas] = await Promise.all([list(namespace, 'deployments,statefulsets'), list(namespace, 'hpa')]);
    const minimum = new Map(hpas.map((hpa) => [hpa.spec.scaleTargetRef.name as string, hpa.spec.minReplicas as number]));
    unsettled = workloads.filter((w) => {
      const wanted = w.spec.replicas ?? 1;
      const s = w.status ?? {};
      const ready = s.availableReplicas ?? s.readyReplicas ?? 0;
      return (s.updatedReplicas ?? 0) !== wanted || ready !== wanted || (s.replicas ?? 0) !== wanted
        || (w.metadata.generation !== s.observedGeneration) || wanted < (minimum.get(w.metadata.name) ?? 0);
    }).map((w) => w.metadata.name);
    if (unsettled.length === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`still rolling or scaling after ${timeoutMs} ms: ${unsettled.join(', ')}`);
}

/**
 * Watches every Deployment's available replicas while `during` runs (a `kubectl get -w` stream), and returns
 * the Deployments that went below the healthy count their PodDisruptionBudget asked for before it started.
 */
export async function pdbBreaches<T>(namespace: string, during: () => Promise<T>): Promise<{ result: T; breaches: string[] }> {
  const pdbs = await list(namespace, 'pdb');
  const floor = new Map(pdbs.map((pdb) => [pdb.metadata.name, pdb.status?.desiredHealthy as number]));
  const env = readClusterEnv();
  const watcher = spawn(env.CLUSTER_KUBECTL, ['--kubeconfig', env.CLUSTER_KUBECONFIG, 'get', 'deployments', '-n', namespace, '--watch',
    '-o', 'jsonpath={.metadata.name} {.status.availableReplicas} {.spec.replicas}{"\\n"}'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const breaches = new Set<string>();
  let pending = '';
  watcher.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [name, available, replicas] = line.split(' ');
      const healthy = floor.get(name);
      if (healthy !== undefined && Number(available || 0) < healthy) breaches.add(`${name}: ${available || 0} available (spec.replicas ${replicas}) < ${healthy} the PDB keeps`);
    }
  });
  try {
    return { result: await during(), breaches: [...breaches] };
  } finally {
    watcher.kill();
  }
}

/**
 * `helm upgrade --wait` watched by pdbBreaches, then waits until the namespace has settled; fails, naming
 * the Deployments, when one went below what its PodDisruptionBudget keeps.
 */
export async function upgradeWithinBudgets(namespace: string, valueFiles: string[], sets: string[], extra: string[] = []): Promise<string> {
  const { result, breaches } = await pdbBreaches(namespace, () => mustDeploy('upgrade', namespace, valueFiles, sets, extra));
  if (breaches.length > 0) throw new Error(`the upgrade took Deployments below their PodDisruptionBudget:\n${breaches.join('\n')}`);
  await waitForSettled(namespace);
  return result;
}

/** The chart's generated Secrets of the database credentials (`<release>-<credential>-mongodb`), decoded, by credential. */
export async function databaseSecretData(namespace: string): Promise<Record<string, Record<string, string>>> {
  const entries = await Promise.all(DATABASE_CREDENTIALS.map(async (credential) => [credential, await secretData(namespace, `${RELEASE}-${credential}-mongodb`)] as const));
  return Object.fromEntries(entries);
}

/** The chart's generated Secret, decoded. */
export async function secretData(namespace: string, name = RELEASE): Promise<Record<string, string>> {
  const secret = await getObject(namespace, 'secret', name);
  if (!secret?.data) throw new Error(`no Secret ${name} in ${namespace}`);
  return Object.fromEntries(Object.entries(secret.data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

import type { Manifest } from './helm';

/** The pieces of a pod spec the policy tests read. */
export interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: unknown } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  startupProbe?: unknown;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: unknown };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
export interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  volumes?: Array<{ name: string; emptyDir?: unknown }>;
}
export interface PodTemplate { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec }
export interface Workload { manifest: Manifest; template: PodTemplate }

/** Every pod template in the rendered chart: Deployments, StatefulSets, CronJobs and bare Pods (the `helm test` hook). */
export function workloads(manifests: Manifest[]): Workload[] {
  return manifests.flatMap((manifest) => {
    const spec = manifest.spec as { template?: PodTemplate; jobTemplate?: { spec: { template: PodTemplate } } } | undefined;
    if (manifest.kind === 'Deployment' || manifest.kind === 'StatefulSet') return [{ manifest, template: spec!.template! }];
    if (manifest.kind === 'CronJob') return [{ manifest, template: spec!.jobTemplate!.spec.template }];
    if (manifest.kind === 'Pod') return [{ manifest, template: { metadata: { labels: manifest.metadata.labels ?? {}, annotations: manifest.metadata.annotations }, spec: manifest.spec as PodSpec } }];
    return [];
  });
}

/** True when a label selector's matchLabels / matchExpressions (In) select these labels. */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) =>
    operator === 'In' ? values.includes(labels[key] ?? '') : operator === 'Exists' ? key in labels : false);
  return byLabel && byExpression;
}

/** An image reference with an explicit tag other than latest, or a digest. */
export const isPinnedImage = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || /^[^@\s]+:(?!latest$)[\w][\w.-]{0,127}$/.test(image.replace(/^[^/]+:\d+\//, 'registry/'));

/** A pod's first (for the services: only) container. */
export function mainContainer(template: PodTemplate): Container {
  const [container] = template.spec.containers;
  if (!container) throw new Error('pod template without containers');
  return container;
}

export type SecretRef = { secret: string; key: string };

/** Every Secret key a pod template can read: env and envFrom, secret volumes and projected volumes ("*": all keys). */
export function secretRefs(template: PodTemplate): SecretRef[] {
  type Volume = { secret?: { secretName: string; items?: Array<{ key: string }> }; projected?: { sources: Array<{ secret?: { name: string; items?: Array<{ key: string }> } }> } };
  type Env = { valueFrom?: { secretKeyRef?: { name: string; key: string } } };
  type EnvFrom = { secretRef?: { name: string } };
  const spec = template.spec as unknown as { containers: Array<{ env?: Env[]; envFrom?: EnvFrom[] }>; initContainers?: Array<{ env?: Env[]; envFrom?: EnvFrom[] }>; volumes?: Volume[] };
  const containers = [...spec.containers, ...(spec.initContainers ?? [])];
  const refs: SecretRef[] = [];
  for (const container of containers) {
    for (const env of container.env ?? []) if (env.valueFrom?.secretKeyRef) refs.push({ secret: env.valueFrom.secretKeyRef.name, key: env.valueFrom.secretKeyRef.key });
    for (const from of container.envFrom ?? []) if (from.secretRef) refs.push({ secret: from.secretRef.name, key: '*' });
  }
  const fromSource = (name: string, items?: Array<{ key: string }>) => (items ?? [{ key: '*' }]).map(({ key }) => ({ secret: name, key }));
  for (const volume of spec.volumes ?? []) {
    if (volume.secret) refs.push(...fromSource(volume.secret.secretName, volume.secret.items));
    for (const source of volume.projected?.sources ?? []) if (source.secret) refs.push(...fromSource(source.secret.name, source.secret.items));
  }
  return refs;
}

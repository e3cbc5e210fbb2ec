import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHART_DIR, ROOT, one, renderChart, runHelm, type Manifest } from './support/helm';
import { mainContainer, selects, workloads, type Workload } from './support/workloads';

/**
 * What the chart renders for surviving a node loss (production values: a 3-node NATS cluster, a 3-member
 * MongoDB replica set) and for `helm test`. What only a live cluster decides (kept sizes and replica counts
 * on upgrade) is checked by test/cluster.
 */
type Selector = Parameters<typeof selects>[0];
type Rule = { from?: Array<{ podSelector?: Selector }>; to?: Array<{ podSelector?: Selector }>; ports?: Array<{ port: number }> };
type Policy = Manifest & { spec: { podSelector: Selector; ingress?: Rule[]; egress?: Rule[] } };
type StatefulSet = Manifest & { spec: { replicas: number; podManagementPolicy?: string; template: Workload['template'] & { spec: { affinity?: Record<string, unknown> } } } };
type ConfigMap = Manifest & { data: Record<string, string> };

const PRODUCTION = resolve(ROOT, 'k8s/values/playbook-production.yaml');
const labelsOf = (component: string) => ({ 'app.kubernetes.io/name': 'playbook', 'app.kubernetes.io/instance': 'playbook', 'app.kubernetes.io/component': component });
const decoded = (secret: Manifest, key: string) => Buffer.from((secret as Manifest & { data: Record<string, string> }).data[key] ?? '', 'base64').toString();
const envOf = (workload: Pick<Workload, 'template'>) => Object.fromEntries((mainContainer(workload.template).env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
/** The ports a rule list opens towards (or from) pods with these labels. */
const portsWith = (rules: Rule[] | undefined, side: 'from' | 'to', labels: Record<string, string>) =>
  (rules ?? []).filter((rule) => rule[side]?.some((peer) => peer.podSelector && selects(peer.podSelector, labels))).flatMap((rule) => rule.ports?.map((p) => p.port) ?? []);

describe('the chart with the production values', () => {
  const manifests = renderChart([PRODUCTION]);
  const statefulSet = (component: string) => one<StatefulSet>(manifests, 'StatefulSet', `playbook-${component}`);

  it.each(['nats', 'mongodb'])('runs %s with three members, never two on one node, and a PDB letting a drain take one', (component) => {
    const sts = statefulSet(component);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.template.spec.affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labelsOf(component) } }] },
    });
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget' && selects((m.spec as { selector: Selector }).selector, sts.spec.template.metadata.labels));
    expect(pdbs.map((pdb) => pdb.spec)).toEqual([{ maxUnavailable: 1, selector: { matchLabels: labelsOf(component) } }]);
  });

  it('clusters NATS through the headless Service, starts the members together and gives every stream three replicas', () => {
    const config = one<ConfigMap>(manifests, 'ConfigMap', 'playbook-nats').data['nats.conf'];
    const routes = [0, 1, 2].map((i) => `nats://playbook-nats-${i}.playbook-nats-headless:6222`);
    expect(config).toMatch(/cluster \{\s+name: playbook-nats\s+port: 6222\s+routes: \[([^\]]+)\]/);
    expect(/routes: \[([^\]]+)\]/.exec(config ?? '')?.[1]?.split(/\s+/).filter(Boolean)).toEqual(routes);
    expect(statefulSet('nats').spec.podManagementPolicy).toBe('Parallel');
    const headless = one<Manifest & { spec: { ports: Array<{ name: string; port: number }> } }>(manifests, 'Service', 'playbook-nats-headless');
    expect(headless.spec.ports.map((p) => [p.name, p.port])).toEqual([['client', 4222], ['cluster', 6222]]);
    expect(one<ConfigMap>(manifests, 'ConfigMap', 'playbook-config').data.NATS_STREAM_REPLICAS).toBe('3');
  });

  it('runs MongoDB as a replica set whose members join themselves with the key from the Secret', () => {
    const sts = statefulSet('mongodb');
    const container = mainContainer(sts.spec.template) as ReturnType<typeof mainContainer> & { command?: string[] };
    expect(container.command).toEqual(['bash', '/etc/mongodb-scripts/mongodb-member.sh']);
    expect(envOf(sts.spec)).toMatchObject({ REPLICA_SET: 'rs0', MEMBERS: '3', GOVERNING_SERVICE: 'playbook-mongodb', NAMESPACE: 'playbook' });
    const volumes = sts.spec.template.spec.volumes as Array<{ name: string; secret?: unknown; configMap?: { name: string } }>;
    expect(volumes.find((v) => v.name === 'replica-set-key')?.secret).toEqual({ secretName: 'playbook-secrets', defaultMode: 0o440, items: [{ key: 'mongo-replica-set-key', path: 'key' }] });
    const scripts = one<ConfigMap>(manifests, 'ConfigMap', volumes.find((v) => v.name === 'scripts')?.configMap?.name);
    for (const file of ['mongodb-member.sh', 'mongodb-join.js']) expect(scripts.data[file]).toBe(readFileSync(resolve(CHART_DIR, 'files', file), 'utf8'));
    const governing = one<Manifest & { spec: { clusterIP: string; publishNotReadyAddresses: boolean } }>(manifests, 'Service', 'playbook-mongodb');
    expect(governing.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
  });

  it('lets the members of each set reach each other', () => {
    const policy = (component: string) => one<Policy>(manifests, 'NetworkPolicy', `playbook-${component}`);
    expect(portsWith(policy('nats').spec.ingress, 'from', labelsOf('nats'))).toEqual([6222]);
    expect(portsWith(policy('nats').spec.egress, 'to', labelsOf('nats'))).toEqual([6222]);
    const mongoIngress = policy('mongodb').spec.ingress?.[0] as { from: Array<{ podSelector: Selector }>; ports: Array<{ port: number }> };
    expect([selects(mongoIngress.from[0]!.podSelector, labelsOf('mongodb')), mongoIngress.ports]).toEqual([true, [{ protocol: 'TCP', port: 27017 }]]);
    expect(portsWith(policy('mongodb').spec.egress, 'to', labelsOf('mongodb'))).toEqual([27017]);
  });
});

describe('the chart-generated Secrets for a MongoDB replica set', () => {
  it('names every member and the set in each service\'s URL, so the driver follows a new primary, and generates the members\' key', () => {
    const manifests = renderChart([], ['mongodb.replicas=3']);
    const members = [0, 1, 2].map((i) => `playbook-mongodb-${i}.playbook-mongodb.playbook.svc:27017`).join(',');
    expect(decoded(one(manifests, 'Secret', 'playbook-project-service-mongodb'), 'mongo-url')).toMatch(new RegExp(`^mongodb://project-service:[A-Za-z0-9]{32}@${members.replace(/\./g, '\\.')}/\\?authSource=admin&replicaSet=rs0$`));
    expect(decoded(one(manifests, 'Secret', 'playbook'), 'mongo-replica-set-key')).toMatch(/^[A-Za-z0-9]{756}$/);
  });
});

describe('the chart with the default values', () => {
  const manifests = renderChart();

  it('keeps one NATS node and one MongoDB without a replica set', () => {
    expect(one<ConfigMap>(manifests, 'ConfigMap', 'playbook-nats').data['nats.conf']).not.toContain('cluster {');
    expect(one<ConfigMap>(manifests, 'ConfigMap', 'playbook-config').data.NATS_STREAM_REPLICAS).toBe('1');
    const mongodb = one<StatefulSet>(manifests, 'StatefulSet', 'playbook-mongodb');
    expect([mongodb.spec.replicas, (mainContainer(mongodb.spec.template) as { args?: string[] }).args]).toEqual([1, ['--bind_ip_all', '--wiredTigerCacheSizeGB', '0.25']]);
    expect(manifests.filter((m) => m.metadata.name === 'playbook-mongodb-scripts')).toEqual([]);
  });

  it('refuses more stream replicas than the in-chart NATS has nodes', () => {
    const { status, stderr } = runHelm(['template', 'playbook', CHART_DIR, '--set', 'config.natsStreamReplicas=3']);
    expect([status, stderr]).toEqual([1, expect.stringContaining('config.natsStreamReplicas (3) cannot exceed nats.replicas (1)')]);
  });

  describe('helm test', () => {
    const testPod = () => one<Manifest & { spec: { restartPolicy: string; volumes: Array<{ configMap?: { name: string } }> } }>(manifests, 'Pod', 'playbook-smoke-test');

    it('runs files/smoke-test.mjs, shipped in a ConfigMap, in the gateway\'s image against the gateway Service', () => {
      const pod = testPod();
      expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
      const script = one<ConfigMap>(manifests, 'ConfigMap', pod.spec.volumes[0]?.configMap?.name);
      expect(script.metadata.annotations?.['helm.sh/hook']).toBe('test');
      expect(script.data['smoke-test.mjs']).toBe(readFileSync(resolve(CHART_DIR, 'files/smoke-test.mjs'), 'utf8'));
      const container = mainContainer({ metadata: { labels: {} }, spec: pod.spec as unknown as Workload['template']['spec'] }) as ReturnType<typeof mainContainer> & { command: string[] };
      const gateway = workloads(manifests).find((w) => w.manifest.metadata.name === 'playbook-gateway')!;
      expect([container.image, container.command, pod.spec.restartPolicy]).toEqual([mainContainer(gateway.template).image, ['node', '/etc/smoke-test/smoke-test.mjs'], 'Never']);
      expect(container.env).toEqual([{ name: 'GATEWAY_URL', value: 'http://playbook-gateway:8080' }]);
    });

    it('lets the test pod reach the gateway and nothing else', () => {
      const labels = testPod().metadata.labels!;
      const policies = manifests.filter((m): m is Policy => m.kind === 'NetworkPolicy' && m.metadata.name !== 'playbook-default-deny' && selects((m as Policy).spec.podSelector, labels));
      expect(policies.map((p) => p.metadata.name)).toEqual(['playbook-smoke-test']);
      const egress = policies[0]!.spec.egress ?? [];
      const dns = egress.filter((rule) => rule.ports?.every((p) => p.port === 53));
      expect(egress.filter((rule) => !dns.includes(rule))).toEqual([{ to: [{ podSelector: { matchLabels: labelsOf('gateway') } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
      expect(portsWith(one<Policy>(manifests, 'NetworkPolicy', 'playbook-gateway').spec.ingress, 'from', labels)).toEqual([8080]);
    });
  });
});

import { createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHART_DIR, ROOT, ofKind, one, renderChart, runHelm, type Manifest } from './support/helm';
import { validateStrict } from './support/strict-validate';
import { isPinnedImage, mainContainer, selects, workloads, type Container } from './support/workloads';

const SERVICES = ['gateway', 'auth-service', 'project-service', 'pdf-service'];
const PORTS: Record<string, number> = { gateway: 8080, 'auth-service': 8081, 'project-service': 8082, 'pdf-service': 8083 };
const METRICS_PORT = 9464;
const PRODUCTION = resolve(ROOT, 'k8s/values/playbook-production.yaml');

/** The value sets the chart must render for, each rendered once. */
const VALUE_SETS: Record<string, string[]> = {
  defaults: [],
  'external MongoDB and NATS with existing Secrets': ['external-services.yaml'],
  'Gateway API instead of Ingress': ['gateway-api.yaml'],
  'autoscaling off and one replica': ['single-replica.yaml'],
  'production (k8s/values)': [PRODUCTION],
};
const rendered = new Map<string, Manifest[]>();
const render = (set: string) => {
  if (!rendered.has(set)) rendered.set(set, renderChart(VALUE_SETS[set] ?? []));
  return rendered.get(set)!;
};
const deploymentOf = (manifests: Manifest[], service: string) => workloads(manifests).find((w) => w.manifest.kind === 'Deployment' && w.manifest.metadata.name === `playbook-${service}`)!;

describe('helm chart', () => {
  it('passes helm lint --strict with every value set', () => {
    for (const files of Object.values(VALUE_SETS)) {
      const args = ['lint', '--strict', CHART_DIR, ...files.flatMap((file) => ['-f', resolve(__dirname, 'values', file)])];
      const { status, stdout, stderr } = runHelm(args);
      expect({ status, output: status ? stdout + stderr : '' }).toEqual({ status: 0, output: '' });
    }
  });

  describe.each(Object.keys(VALUE_SETS))('rendered with %s', (set) => {
    it('validates every object against its Kubernetes or CRD schema, rejecting unknown fields', () => {
      const errors = render(set).flatMap((manifest) => {
        try {
          validateStrict(manifest);
          return [];
        } catch (error) {
          return [(error as Error).message];
        }
      });
      expect(errors).toEqual([]);
      expect(render(set).length).toBeGreaterThan(20);
    });

    it('gives every object the app.kubernetes.io labels', () => {
      for (const manifest of render(set)) {
        expect(manifest.metadata.labels).toMatchObject({
          'app.kubernetes.io/name': 'playbook',
          'app.kubernetes.io/instance': 'playbook',
          'app.kubernetes.io/managed-by': 'Helm',
          'app.kubernetes.io/part-of': 'playbook',
          'app.kubernetes.io/version': expect.any(String),
        });
      }
    });

    it('runs every container non-root on a read-only root filesystem with resources and a pinned image', () => {
      const problems: string[] = [];
      for (const { manifest, template } of workloads(render(set))) {
        const pod = template.spec;
        const where = `${manifest.kind}/${manifest.metadata.name}`;
        if (pod.automountServiceAccountToken !== false) problems.push(`${where}: service-account token mounted`);
        if ((pod.securityContext?.seccompProfile as { type?: string })?.type !== 'RuntimeDefault') problems.push(`${where}: seccomp not RuntimeDefault`);
        for (const container of pod.containers) {
          const at = `${where}/${container.name}`;
          const sc = { ...pod.securityContext, ...container.securityContext } as Record<string, unknown>;
          if (sc.runAsNonRoot !== true || !(Number(sc.runAsUser) > 0)) problems.push(`${at}: not a numeric non-root user`);
          if (container.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem writable`);
          if (container.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${at}: privilege escalation allowed`);
          if (!container.securityContext?.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities not dropped`);
          if (!container.resources?.requests?.cpu || !container.resources.requests.memory || !container.resources.limits?.memory) problems.push(`${at}: resources incomplete`);
          if (!isPinnedImage(container.image)) problems.push(`${at}: image ${container.image} not pinned`);
          const runsToCompletion = manifest.kind === 'CronJob' || manifest.kind === 'Pod';
          if (!runsToCompletion && (!container.readinessProbe || !container.livenessProbe)) problems.push(`${at}: probes missing`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('gives every service a Service, ServiceAccount, PodDisruptionBudget and NetworkPolicy, under a default deny', () => {
      const manifests = render(set);
      const policies = ofKind<{ metadata: { name: string }; spec: { podSelector: Parameters<typeof selects>[0]; policyTypes: string[]; ingress?: unknown[]; egress?: unknown[] } }>(manifests, 'NetworkPolicy');
      const deny = policies.find((p) => p.metadata.name === 'playbook-default-deny')!;
      expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'playbook', 'app.kubernetes.io/instance': 'playbook' } }, policyTypes: ['Ingress', 'Egress'] });
      for (const { manifest, template } of workloads(manifests)) {
        const labels = template.metadata.labels;
        expect([manifest.metadata.name, policies.some((p) => p !== deny && selects(p.spec.podSelector, labels))]).toEqual([manifest.metadata.name, true]);
      }
      for (const service of SERVICES) {
        const { template } = deploymentOf(manifests, service);
        const labels = template.metadata.labels;
        const pdb = ofKind<{ spec: { selector: Parameters<typeof selects>[0] } }>(manifests, 'PodDisruptionBudget').filter((p) => selects(p.spec.selector, labels));
        const svc = ofKind<{ spec: { selector: Record<string, string>; ports: Array<{ port: number }> } }>(manifests, 'Service').filter((s) => selects({ matchLabels: s.spec.selector }, labels));
        expect({ service, pdbs: pdb.length, services: svc.flatMap((s) => s.spec.ports.map((p) => p.port)) }).toEqual({ service, pdbs: 1, services: [PORTS[service], METRICS_PORT] });
        expect(one(manifests, 'ServiceAccount', `playbook-${service}`)).toMatchObject({ automountServiceAccountToken: false });
        expect(template.spec.serviceAccountName).toBe(`playbook-${service}`);
      }
    });

    it('admits the monitoring namespace to each service\'s metrics port only, and the API port only from the gateway or the ingress', () => {
      type Peer = Record<string, unknown>;
      type Policy = Manifest & { spec: { ingress: Array<{ from: Peer[]; ports: Array<{ protocol: string; port: number }> }> } };
      const metricsFrom = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];
      for (const service of SERVICES) {
        const policy = one<Policy>(render(set), 'NetworkPolicy', `playbook-${service}`);
        const ports = (from: Peer[]) => policy.spec.ingress.filter((rule) => JSON.stringify(rule.from) === JSON.stringify(from)).flatMap((rule) => rule.ports.map((p) => p.port));
        expect({ service, monitoring: ports(metricsFrom) }).toEqual({ service, monitoring: [METRICS_PORT] });
        const others = policy.spec.ingress.filter((rule) => JSON.stringify(rule.from) !== JSON.stringify(metricsFrom));
        expect({ service, others: others.flatMap((rule) => rule.ports.map((p) => p.port)) }).toEqual({ service, others: [PORTS[service]] });
        expect(others.flatMap((rule) => rule.from)).not.toContainEqual(metricsFrom[0]);
      }
    });

    it('rolls every service with zero unavailable pods, a preStop delay and checksums of its config', () => {
      for (const service of SERVICES) {
        const { manifest, template } = deploymentOf(render(set), service);
        const container = mainContainer(template);
        expect((manifest.spec as { strategy: unknown }).strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        expect(container.lifecycle?.preStop).toEqual({ exec: { command: ['sleep', expect.stringMatching(/^[1-9]\d*$/)] } });
        expect(template.metadata.annotations).toEqual(expect.objectContaining({ 'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/), 'checksum/secret': expect.stringMatching(/^[0-9a-f]{64}$/) }));
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
        expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(container.ports).toEqual([{ name: 'http', containerPort: PORTS[service], protocol: 'TCP' }, { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }]);
        expect(container.env?.find((e) => e.name === 'METRICS_PORT')).toEqual({ name: 'METRICS_PORT', value: String(METRICS_PORT) });
        expect(template.spec.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
      }
    });
  });

  describe('with default values', () => {
    const manifests = () => render('defaults');

    it('puts the PDF routes on a second nginx Ingress with longer timeouts and a larger body limit, sharing one certificate', () => {
      type Ingress = Manifest & { spec: { ingressClassName: string; tls: unknown[]; rules: Array<{ http: { paths: Array<{ path: string; pathType: string }> } }> } };
      const api = one<Ingress>(manifests(), 'Ingress', 'playbook');
      const pdf = one<Ingress>(manifests(), 'Ingress', 'playbook-pdf');
      expect(api.spec.ingressClassName).toBe('nginx');
      expect(pdf.spec.ingressClassName).toBe('nginx');
      expect(api.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-production');
      expect(pdf.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
      expect(pdf.spec.tls).toEqual(api.spec.tls);
      expect(pdf.spec.rules.flatMap((r) => r.http.paths.map((p) => [p.path, p.pathType]))).toEqual([
        ['/api/generate-pdf$', 'ImplementationSpecific'],
        ['/api/pdf/.*', 'ImplementationSpecific'],
        ['/api/projects/[^/]+/pdf$', 'ImplementationSpecific'],
      ]);
      const seconds = (m: Manifest) => Number(m.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout']);
      const megabytes = (m: Manifest) => parseInt(m.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'] ?? '', 10);
      expect(seconds(pdf)).toBeGreaterThan(seconds(api));
      expect(megabytes(pdf)).toBeGreaterThan(megabytes(api));
      expect(pdf.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
    });

    it('scales every service on CPU with an autoscaling/v2 HPA', () => {
      const hpas = ofKind<{ apiVersion: string; spec: { scaleTargetRef: { name: string }; metrics: Array<{ resource: { name: string } }> } }>(manifests(), 'HorizontalPodAutoscaler');
      expect(hpas.map((h) => [h.apiVersion, h.spec.scaleTargetRef.name, h.spec.metrics.map((m) => m.resource.name).join()]).sort()).toEqual(SERVICES.map((s) => ['autoscaling/v2', `playbook-${s}`, 'cpu']).sort());
      for (const service of SERVICES) expect((deploymentOf(manifests(), service).manifest.spec as { replicas?: number }).replicas).toBeUndefined();
    });

    it('can also scale pdf-service on its render queue through a custom-metrics adapter', () => {
      const manifests = renderChart([], ['services.pdf-service.autoscaling.podsMetric.enabled=true']);
      const hpa = one(manifests, 'HorizontalPodAutoscaler', 'playbook-pdf-service');
      expect(() => validateStrict(hpa)).not.toThrow();
      expect((hpa.spec as { metrics: unknown[] }).metrics).toContainEqual({ type: 'Pods', pods: { metric: { name: 'pdf_render_queue_depth' }, target: { type: 'AverageValue', averageValue: '4' } } });
    });

    it('generates a P-256 JWT signing key that auth-service can load', () => {
      const secret = one<Manifest & { data: Record<string, string> }>(manifests(), 'Secret', 'playbook');
      const decoded = (key: string) => Buffer.from(secret.data[key] ?? '', 'base64').toString();
      const key = createPrivateKey(decoded('jwt-private-key.pem'));
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      // The root login stays with MongoDB: no URL of it, only the password its own pod reads.
      expect(Object.keys(secret.data).filter((k) => decoded(k).startsWith('mongodb'))).toEqual([]);
      expect(decoded('mongo-root-password')).toMatch(/^[A-Za-z0-9]{32}$/);
    });

    it('runs NATS with JetStream and MongoDB on a PVC in-chart, with a mongodump CronJob keeping backups for the retention days', () => {
      const natsConfig = one<Manifest & { data: Record<string, string> }>(manifests(), 'ConfigMap', 'playbook-nats');
      expect(natsConfig.data['nats.conf']).toMatch(/jetstream \{\s+store_dir: \/data/);
      for (const name of ['playbook-nats', 'playbook-mongodb']) {
        const sts = one<Manifest & { spec: { volumeClaimTemplates: Array<{ metadata: { name: string } }> } }>(manifests(), 'StatefulSet', name);
        expect(sts.spec.volumeClaimTemplates.map((t) => t.metadata.name)).toEqual(['data']);
      }
      const backup = workloads(manifests()).find((w) => w.manifest.kind === 'CronJob')!;
      const args = (mainContainer(backup.template) as Container & { args: string[] }).args.join('\n');
      expect(args).toContain('mongodump --uri="$MONGO_URL" --db="$database" --gzip --archive=');
      expect(args).toContain('-mtime "+$RETENTION_DAYS" -print -delete');
      expect(backup.template.spec.volumes?.map((v) => v.name)).toEqual(['backup', 'tmp']);
    });

    it('lets Prometheus find the services by release label, keeping their own service label', () => {
      const monitor = one<Manifest & { spec: { endpoints: Array<Record<string, unknown>>; jobLabel: string } }>(manifests(), 'ServiceMonitor');
      expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
      expect(monitor.spec.jobLabel).toBe('app.kubernetes.io/component');
      expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics', honorLabels: true })]);
      const rule = one<Manifest & { spec: { groups: Array<{ rules: Array<{ alert?: string }> }> } }>(manifests(), 'PrometheusRule');
      const alerts = rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert)).filter(Boolean);
      expect(alerts).toEqual(expect.arrayContaining(['PlaybookHighErrorRatio', 'PlaybookHighLatencyP99', 'PlaybookPdfQueueBacklog', 'PlaybookPodRestarting']));
    });

    it('ships every dashboard in helm/playbook/dashboards as a ConfigMap for the Grafana sidecar', () => {
      const files = readdirSync(resolve(CHART_DIR, 'dashboards')).filter((f) => f.endsWith('.json'));
      const maps = ofKind<Manifest & { data: Record<string, string> }>(manifests(), 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1');
      const shipped = Object.fromEntries(maps.flatMap((m) => Object.entries(m.data)));
      expect(Object.keys(shipped).sort()).toEqual(files.sort());
      for (const file of files) expect(JSON.parse(shipped[file] ?? '')).toEqual(JSON.parse(readFileSync(resolve(CHART_DIR, 'dashboards', file), 'utf8')));
    });

    it('builds every dashboard on a Prometheus datasource variable, with unique uids and panel ids', () => {
      type Board = { uid: string; templating: { list: Array<{ name: string; type: string }> }; panels: Array<{ id: number; type: string; datasource?: { uid: string }; targets?: Array<{ expr: string }> }> };
      const boards = readdirSync(resolve(CHART_DIR, 'dashboards')).map((file) => JSON.parse(readFileSync(resolve(CHART_DIR, 'dashboards', file), 'utf8')) as Board);
      expect(new Set(boards.map((b) => b.uid)).size).toBe(boards.length);
      for (const board of boards) {
        expect(board.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
        expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
        for (const panel of board.panels.filter((p) => p.type !== 'row')) {
          expect(panel.datasource?.uid).toBe('${datasource}');
          expect(panel.targets?.every((t) => t.expr.includes('namespace=~"$namespace"'))).toBe(true);
        }
      }
    });

    it('gives pdf-service writable emptyDirs for Chromium\'s profile, shared memory and caches', () => {
      const { template } = deploymentOf(manifests(), 'pdf-service');
      const mounts = mainContainer(template).volumeMounts?.map((m) => m.mountPath);
      expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/home/node/.config', '/home/node/.cache']));
    });
  });

  it('reads MongoDB and NATS from existing Secrets and renders no StatefulSet or Secret when both are external', () => {
    const manifests = render('external MongoDB and NATS with existing Secrets');
    expect(ofKind(manifests, 'StatefulSet')).toEqual([]);
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    const env = (service: string) => mainContainer(deploymentOf(manifests, service).template).env ?? [];
    expect(env('project-service').find((e) => e.name === 'MONGO_URL')?.valueFrom).toEqual({ secretKeyRef: { name: 'mongodb-project-service', key: 'uri' } });
    expect(env('gateway').find((e) => e.name === 'NATS_URL')?.valueFrom).toEqual({ secretKeyRef: { name: 'playbook-nats', key: 'url' } });
    // The signing key as a read-only file from the Secret, never in the environment.
    const auth = deploymentOf(manifests, 'auth-service').template;
    expect(env('auth-service').filter((e) => e.name.startsWith('JWT_PRIVATE_KEY'))).toEqual([{ name: 'JWT_PRIVATE_KEY_FILE', value: '/var/run/secrets/playbook/jwt-private-key.pem' }]);
    expect(mainContainer(auth).volumeMounts).toContainEqual({ name: 'secret-files', mountPath: '/var/run/secrets/playbook', readOnly: true });
    expect((auth.spec as { volumes: unknown[] }).volumes).toContainEqual({
      name: 'secret-files',
      secret: {
        secretName: 'playbook-secrets',
        defaultMode: 0o440,
        items: [
          { key: 'forwarding-key', path: 'forwarding-key' },
          { key: 'jwt-private-key.pem', path: 'jwt-private-key.pem' },
        ],
      },
    });
    // The forwarding key (the gateway signs client IPs with it for auth-service) in those two only; the signing key in auth-service only.
    const gateway = deploymentOf(manifests, 'gateway').template;
    expect(env('gateway').find((e) => e.name === 'FORWARDING_KEY_FILE')?.value).toBe('/var/run/secrets/playbook/forwarding-key');
    expect(env('auth-service').find((e) => e.name === 'FORWARDING_KEY_FILE')?.value).toBe('/var/run/secrets/playbook/forwarding-key');
    expect((gateway.spec as { volumes: unknown[] }).volumes).toContainEqual({
      name: 'secret-files',
      secret: { secretName: 'playbook-secrets', defaultMode: 0o440, items: [{ key: 'forwarding-key', path: 'forwarding-key' }] },
    });
    for (const other of ['project-service', 'pdf-service']) expect(mainContainer(deploymentOf(manifests, other).template).volumeMounts).not.toContainEqual(expect.objectContaining({ name: 'secret-files' }));
  });

  it('routes through a Gateway API HTTPRoute instead of Ingresses when exposure is gatewayApi', () => {
    const manifests = render('Gateway API instead of Ingress');
    expect(ofKind(manifests, 'Ingress')).toEqual([]);
    const route = one<Manifest & { spec: { parentRefs: unknown[]; rules: Array<{ timeouts: { request: string } }> } }>(manifests, 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ name: 'public', namespace: 'envoy-gateway-system', sectionName: 'https' }]);
    expect(route.spec.rules.map((r) => r.timeouts.request)).toEqual(['1h', '180s', '30s']);
  });

  it('renders one replica and no HPA when autoscaling is off', () => {
    const manifests = render('autoscaling off and one replica');
    expect(ofKind(manifests, 'HorizontalPodAutoscaler')).toEqual([]);
    for (const service of SERVICES) expect((deploymentOf(manifests, service).manifest.spec as { replicas: number }).replicas).toBe(1);
  });

  it.each([
    ['a string where a number belongs', 'services.gateway.replicas=two', "at '/services/gateway/replicas'"],
    ['an unknown exposure', 'exposure=traefik', "at '/exposure'"],
    ['the latest tag', 'image.tag=latest', "at '/image/tag'"],
    ['a misspelt key', 'ingres.className=nginx', 'ingres'],
    ['no MongoDB at all', 'mongodb.enabled=false', 'mongodb'],
    ['a NATS cluster that loses its quorum with one node', 'nats.replicas=2', "at '/nats/replicas'"],
  ])('refuses %s through values.schema.json', (_what, pair, message) => {
    const { status, stderr } = runHelm(['template', 'playbook', CHART_DIR, '--set', pair]);
    expect(status).not.toBe(0);
    expect(stderr).toContain(message);
  });

  it.each([
    ['a Deployment', 'Deployment', ['spec', 'template', 'spec', 'containers', 0], 'readinesProbe'],
    ['a ServiceMonitor (CRD)', 'ServiceMonitor', ['spec', 'endpoints', 0], 'honourLabels'],
    ['a PrometheusRule (CRD)', 'PrometheusRule', ['spec', 'groups', 0, 'rules', 0], 'expression'],
  ])('rejects a misspelt field in %s through its own strict validation', (_what, kind, path, field) => {
    const broken = structuredClone(ofKind(render('defaults'), kind)[0]) as unknown as Record<string, unknown>;
    const parent = path.reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, broken);
    parent[field] = 'x';
    expect(() => validateStrict(broken as unknown as Manifest)).toThrow(`unknown fields /${path.join('/')}/${field}`);
  });
});

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { ROOT, one, parseManifests, renderChart, type Manifest } from './support/helm';
import { validateStrict } from './support/strict-validate';

const K8S = resolve(ROOT, 'k8s');
const clusterObjects = () =>
  readdirSync(join(K8S, 'cluster')).flatMap((file) => parseManifests(readFileSync(join(K8S, 'cluster', file), 'utf8')));

describe('k8s/', () => {
  it('holds the chart rendered with k8s/values/playbook-production.yaml, up to date (run scripts/render-k8s.sh)', () => {
    const out = mkdtempSync(join(tmpdir(), 'playbook-render-'));
    try {
      execFileSync('bash', [resolve(ROOT, 'scripts/render-k8s.sh'), out], { stdio: 'pipe' });
      expect(readFileSync(join(K8S, 'rendered/playbook.yaml'), 'utf8')).toBe(readFileSync(join(out, 'playbook.yaml'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('renders no Secret and no `helm test` pod into the committed manifests', () => {
    const kinds = parseManifests(readFileSync(join(K8S, 'rendered/playbook.yaml'), 'utf8')).map((m) => m.kind);
    expect(kinds).not.toContain('Secret');
    expect(kinds).not.toContain('Pod');
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'StatefulSet', 'Ingress', 'ServiceMonitor', 'PrometheusRule', 'CronJob']));
  });

  it('validates the cluster objects strictly: the namespace and the cert-manager ClusterIssuers', () => {
    for (const manifest of clusterObjects()) expect(() => validateStrict(manifest)).not.toThrow();
  });

  it('enforces Pod Security "restricted" on the application namespace', () => {
    const namespace = clusterObjects().find((m) => m.kind === 'Namespace')!;
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('has Let\'s Encrypt staging and production issuers solving HTTP-01 through ingress class nginx', () => {
    const issuers = clusterObjects().filter((m) => m.kind === 'ClusterIssuer') as Array<Manifest & { spec: { acme: { server: string; solvers: Array<{ http01: { ingress: { ingressClassName: string } } }> } } }>;
    expect(issuers.map((i) => [i.metadata.name, i.spec.acme.server])).toEqual([
      ['letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory'],
      ['letsencrypt-production', 'https://acme-v02.api.letsencrypt.org/directory'],
    ]);
    for (const issuer of issuers) expect(issuer.spec.acme.solvers.map((s) => s.http01.ingress.ingressClassName)).toEqual(['nginx']);
    const ingress = one(renderChart([resolve(K8S, 'values/playbook-production.yaml')]), 'Ingress', 'playbook');
    expect(issuers.map((i) => i.metadata.name)).toContain(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']);
  });

  it('installs kube-prometheus-stack so it selects the chart\'s ServiceMonitor and loads its dashboards', () => {
    const values = parse(readFileSync(join(K8S, 'values/kube-prometheus-stack.yaml'), 'utf8'));
    const chartValues = parse(readFileSync(resolve(ROOT, 'helm/playbook/values.yaml'), 'utf8'));
    expect(chartValues.metrics.serviceMonitor.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(values.grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' });
    expect(chartValues.metrics.dashboards.labels).toEqual({ grafana_dashboard: '1' });
  });

  it('installs ingress-nginx as class nginx, the class the chart and the issuers use', () => {
    const values = parse(readFileSync(join(K8S, 'values/ingress-nginx.yaml'), 'utf8'));
    expect(values.controller.ingressClassResource.name).toBe('nginx');
  });
});

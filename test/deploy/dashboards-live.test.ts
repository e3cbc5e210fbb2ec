import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startStack, STACK_SERVICES, type TestStack } from '../support/stack';
import { ApiClient, answers, sleep } from '../system/support/api-client';
import { defaultAgent } from '../system/support/http-client';
import { CHART_DIR, NAMESPACE, ROOT, ofKind, one, renderChart, type Manifest } from './support/helm';
import { startPrometheus, type ScrapeJob, type TestPrometheus } from './support/prometheus';
import { selects } from './support/workloads';

/**
 * Every query of every dashboard panel returns at least one series from Debian's prometheus scraping the real
 * services, scraped the way the chart's ServiceMonitor tells prometheus-operator to (job from the jobLabel,
 * honorLabels, the operator's target labels), after real traffic through the gateway.
 */
interface Panel { title: string; type: string; targets?: Array<{ refId: string; expr: string }> }
interface Dashboard { title: string; panels: Panel[]; templating: { list: Array<{ name: string; definition?: string }> } }

const dashboards: Array<[string, Dashboard]> = readdirSync(resolve(CHART_DIR, 'dashboards'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => [file, JSON.parse(readFileSync(resolve(CHART_DIR, 'dashboards', file), 'utf8')) as Dashboard]);

/** Grafana's variables as a user first opens the board: this namespace, all services. */
const GRAFANA_VARIABLES: Record<string, string> = { namespace: NAMESPACE, service: '.*', __rate_interval: '1m', __range: '10m', __interval: '5s' };
const expand = (expr: string) => expr.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a?: string, b?: string) => GRAFANA_VARIABLES[(a ?? b)!] ?? whole);
/** Metric names a query selects (every dashboard query writes a `{…}` selector). */
const metricNames = (expr: string) => [...expr.matchAll(/\b([a-zA-Z_:][\w:]*)\{/g)].map((m) => m[1] ?? '');
/** Names Prometheus makes itself rather than scraping. */
const SYNTHETIC = new Set(['up']);

/** The scrape jobs the chart's ServiceMonitor produces, pointed at the local processes. */
function scrapeJobsFromChart(stack: TestStack): ScrapeJob[] {
  const manifests = renderChart();
  const monitor = one<Manifest & { spec: { jobLabel: string; selector: Parameters<typeof selects>[0]; endpoints: Array<{ port: string; path: string; honorLabels?: boolean }> } }>(manifests, 'ServiceMonitor');
  const [endpoint] = monitor.spec.endpoints;
  if (!endpoint) throw new Error('the ServiceMonitor has no endpoint');
  // The Service's named ports, as the local stack runs them.
  const local = ({ http: stack.url, metrics: stack.metricsUrl } as Record<string, TestStack['url'] | undefined>)[endpoint.port];
  if (!local) throw new Error(`the ServiceMonitor scrapes port ${endpoint.port}, which the local stack does not have`);
  return ofKind(manifests, 'Service')
    .filter((service) => selects(monitor.spec.selector, service.metadata.labels ?? {}))
    .map((service) => {
      const component = service.metadata.labels![monitor.spec.jobLabel] as (typeof STACK_SERVICES)[number];
      return {
        job: component,
        target: new URL(local(component)).host,
        honorLabels: endpoint.honorLabels ?? false,
        metricsPath: endpoint.path,
        labels: { namespace: NAMESPACE, service: service.metadata.name, pod: `${service.metadata.name}-0`, container: component, endpoint: endpoint.port },
      };
    });
}

/** One user's session through the gateway: projects, answers, a render, a cached render, the legacy route, 401s and 404s. */
async function generateTraffic(stack: TestStack): Promise<void> {
  const api = new ApiClient(stack.gatewayUrl);
  const session = await api.register('dashboards');
  const token = session.accessToken;
  const projectId = await api.createProject(session);
  await api.putResponses(session, projectId, answers(6, (fieldId) => `Answer for ${fieldId} — ünïcode 日本語 🙂`));
  await api.readResponses(session, projectId);
  const job = await api.requestPdf(session, projectId);
  const done = await api.waitForJob(session, job.jobId, 60_000);
  await api.call('GET', `/api/pdf/jobs/${done.jobId}/file`, { token });
  await api.requestPdf(session, projectId);
  await api.call('POST', '/api/generate-pdf', { token, body: { project_id: projectId } });
  await api.call('GET', '/api/projects', { token });
  await api.call('GET', `/api/projects/${'0'.repeat(24)}`, { token });
  await api.call('GET', '/api/projects');
  await api.call('GET', '/api/auth/me', { token });
  await api.call('GET', '/api/playbook');
  await api.call('GET', '/api/health');
}

describe('Grafana dashboards against the running stack', () => {
  let stack: TestStack;
  let prometheus: TestPrometheus;
  let exported: Set<string>;

  beforeAll(async () => {
    const unbuilt = STACK_SERVICES.filter((name) => !existsSync(resolve(ROOT, name, 'dist/main.js')));
    if (unbuilt.length) throw new Error(`not compiled: ${unbuilt.join(', ')} (run npx tsc -b, as scripts/test.sh does)`);
    stack = await startStack();
    const jobs = scrapeJobsFromChart(stack);
    const rule = one<Manifest & { spec: { groups: unknown[] } }>(renderChart(), 'PrometheusRule');
    prometheus = await startPrometheus(jobs, rule.spec.groups);
    await prometheus.waitForTargetsUp(30_000);
    await generateTraffic(stack);
    // A few scrapes after the last request, so every rate() window holds the traffic.
    await sleep(3_000);
    const texts = await Promise.all(STACK_SERVICES.map(async (name) => (await fetch(`${stack.metricsUrl(name)}/metrics`)).text()));
    exported = new Set(texts.flatMap((text) => [...text.matchAll(/^# TYPE (\S+) (\w+)/gm)].flatMap(([, name = '', type]) =>
      type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.stop();
    defaultAgent.destroy();
  }, 60_000);

  it('scrapes all four services as the ServiceMonitor describes them', async () => {
    const up = await prometheus.query(`up{namespace="${NAMESPACE}"}`);
    expect(up.map((s) => [s.metric.job, s.value[1]]).sort()).toEqual([...STACK_SERVICES].sort().map((job) => [job, '1']));
    // honorLabels keeps the services' own service label rather than the Service name.
    const services = await prometheus.labelValues('service', 'http_request_duration_seconds_count');
    expect(services.sort()).toEqual([...STACK_SERVICES].sort());
  });

  it('fills the dashboard variables', async () => {
    expect(await prometheus.labelValues('namespace', 'http_request_duration_seconds_count')).toEqual([NAMESPACE]);
  });

  it.each(dashboards)('%s: every panel query returns at least one series', async (_file, dashboard) => {
    const empty: string[] = [];
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const where = `${panel.title} [${target.refId}]`;
        // A metric no service exports is a renamed or misspelt one, even where `or vector(0)` hides it.
        const missing = metricNames(target.expr).filter((name) => !SYNTHETIC.has(name) && !exported.has(name));
        if (missing.length) empty.push(`${where}: no service exports ${missing.join(', ')}`);
        else if ((await prometheus.query(expand(target.expr))).length === 0) empty.push(`${where}: no series for ${expand(target.expr)}`);
      }
    }
    expect(empty).toEqual([]);
  });

  it('evaluates every alert and recording rule of the PrometheusRule without errors (promtool accepts them too)', async () => {
    execFileSync('promtool', ['check', 'rules', prometheus.rulesFile], { stdio: 'pipe' });
    const rules = (await prometheus.rules()).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(6);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
    const recorded = await prometheus.query('playbook:http_requests:rate5m');
    expect(recorded.length).toBeGreaterThan(0);
  });
});

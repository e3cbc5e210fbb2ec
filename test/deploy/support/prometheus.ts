import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startProcess, type StartedProcess } from '../../support/processes';
import { waitForOk } from '../../support/stack';

export interface ScrapeJob {
  job: string;
  target: string;
  honorLabels: boolean;
  metricsPath: string;
  /** Target labels Prometheus attaches (for a ServiceMonitor: namespace, service, pod, container, endpoint). */
  labels: Record<string, string>;
}

export interface PromSeries { metric: Record<string, string>; value: [number, string] }

/** Debian's prometheus on a free port with a 1 s scrape interval, the given jobs and rule groups. */
export async function startPrometheus(jobs: ScrapeJob[], ruleGroups: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-prometheus-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, stringify({ groups: ruleGroups }));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [rulesFile],
    scrape_configs: jobs.map((job) => ({
      job_name: job.job,
      honor_labels: job.honorLabels,
      metrics_path: job.metricsPath,
      static_configs: [{ targets: [job.target], labels: job.labels }],
    })),
  };
  const configFile = join(dir, 'prometheus.yaml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process: StartedProcess = startProcess('prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  await waitForOk(`${url}/-/ready`, 30_000, () => process.output());

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  const targets = () =>
    api<{ activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }> }>('/api/v1/targets').then((d) => d.activeTargets);
  return {
    url,
    rulesFile,
    /** Prometheus applies new targets only after its 5 s discovery throttle: wait until every one was scraped. */
    async waitForTargetsUp(timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      let last: Awaited<ReturnType<typeof targets>> = [];
      while (Date.now() < deadline) {
        last = await targets();
        if (last.length === jobs.length && last.every((t) => t.health === 'up')) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`targets not up after ${timeoutMs} ms: ${JSON.stringify(last.map((t) => [t.scrapeUrl, t.health, t.lastError]))}\n${process.output()}`);
    },
    query: (expr: string) => api<{ result: PromSeries[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`).then((d) => d.result),
    labelValues: (label: string, match: string) => api<string[]>(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`),
    rules: () => api<{ groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> }>('/api/v1/rules'),
    async stop() {
      await process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type TestPrometheus = Awaited<ReturnType<typeof startPrometheus>>;

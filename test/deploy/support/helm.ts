import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = resolve(__dirname, '../../..');
export const CHART_DIR = resolve(ROOT, 'helm/playbook');
export const VALUES_DIR = resolve(__dirname, '../values');
export const HELM = resolve(ROOT, '.bin/helm');
export const RELEASE = 'playbook';
export const NAMESPACE = 'playbook';

/** A rendered Kubernetes object, loosely typed: tests read it as data. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };

/** Unpacks helm and kubectl into .bin/ (scripts/helm-tools.sh, idempotent) when a test runs before setup did. */
export function ensureHelm(): string {
  if (!existsSync(HELM)) execFileSync('bash', [resolve(ROOT, 'scripts/helm-tools.sh')], { stdio: 'pipe' });
  return HELM;
}

/** Runs helm and returns its exit status and output; never throws on a non-zero exit. */
export function runHelm(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(ensureHelm(), args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `helm template` of the chart with value files (from test/deploy/values unless absolute) and --set pairs. */
export function renderChart(valueFiles: string[] = [], sets: string[] = []): Manifest[] {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE];
  for (const file of valueFiles) args.push('-f', resolve(VALUES_DIR, file));
  for (const pair of sets) args.push('--set', pair);
  const { status, stdout, stderr } = runHelm(args);
  if (status !== 0) throw new Error(`helm template failed (${status}):\n${stderr}`);
  return parseManifests(stdout);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      const [error] = doc.errors;
      if (error) throw new Error(`invalid YAML: ${error.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((doc): doc is Manifest => doc !== null && typeof doc === 'object');
}

export const ofKind = <T = Manifest>(manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind) as unknown as T[];

/** The one object of a kind (and name); throws, naming what it looked for, when there is none or several. */
export function one<T = Manifest>(manifests: Manifest[], kind: string, name?: string): T {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  return found[0] as unknown as T;
}

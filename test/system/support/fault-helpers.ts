import { writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sample } from '../../../bench/load/traffic';
import { STACK_SERVICES, type StackServiceName, type TestStack } from '../../support/stack';
import { answers, FIELD_IDS, type ApiClient, type Session } from './api-client';
import { http, jsonOf, type HttpResult } from './http-client';
import { pollUntil } from './system-stack';

export interface HealthAnswer {
  status: number;
  checks: Record<string, string>;
  ms: number;
}

export async function health(stack: TestStack): Promise<HealthAnswer> {
  const result = await http('GET', `${stack.gatewayUrl}/api/health`, { timeoutMs: 5_000 });
  return { status: result.status, checks: jsonOf<{ checks: Record<string, string> }>(result)?.checks ?? {}, ms: result.ms };
}

/** Waits until every service's /readyz is 200; returns how long that took, or undefined after `timeoutMs`. */
export async function waitAllReady(stack: TestStack, timeoutMs: number, names: readonly StackServiceName[] = STACK_SERVICES): Promise<number | undefined> {
  const started = Date.now();
  const ok = await pollUntil(async () => {
    const answers = await Promise.all(names.map((name) => http('GET', `${stack.url(name)}/readyz`, { timeoutMs: 2_000, agent: false })));
    return answers.every((answer) => answer.status === 200);
  }, timeoutMs, 100);
  return ok ? Date.now() - started : undefined;
}

/** Which service answers a route behind the gateway. */
export function serviceOfRoute(route: string): StackServiceName {
  if (/\/api\/auth\//.test(route)) return 'auth-service';
  if (/\/pdf|generate-pdf/.test(route)) return 'pdf-service';
  return 'project-service';
}

export const startedBetween = (samples: Sample[], from: number, to: number) => samples.filter((s) => s.startedAt >= from && s.startedAt < to);
/** Requests that were on the wire at `instant`. */
export const inFlightAt = (samples: Sample[], instant: number) => samples.filter((s) => s.startedAt <= instant && s.startedAt + s.ms >= instant);

export const describeSamples = (samples: Sample[]) =>
  samples.map((s) => `${s.route} → ${s.status || s.error} in ${Math.round(s.ms)} ms (t=${s.startedAt})`).join('\n');

const RESULTS_DIR = resolve(__dirname, '../../../.bin/system-results');

/**
 * Measured numbers of a system run, kept in .bin/system-results/<name>.json for docs/reliability.md
 * (the last run of each test wins; the file is merged so one test may add several entries).
 */
export function recordResult(name: string, key: string, value: unknown): void {
  const dir = RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  existing[key] = value;
  existing.updatedAt = new Date().toISOString();
  existing.mode = process.env.SYSTEM_FULL === '1' ? 'full' : 'short';
  writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
}

/**
 * A 409 "another change to this project is in progress; retry shortly" on a project route (reads wait for a
 * save in progress too). project-service
 * journals each save in a lock document (all-or-nothing without transactions); a save cut by a crash or an
 * outage keeps its project locked until PROJECT_LOCK_STALE_MS (5 s) after it began. Tolerated around a fault,
 * counted in the results (docs/reliability.md), never a 5xx.
 */
export const isLockRetry = (s: Sample) => s.status === 409 && /^(GET|PUT|PATCH|DELETE) \/api\/projects\/:id/.test(s.route);

/**
 * Fields in a slow request's batch: every field of the playbook. Since a save is one write of one document,
 * 16 fields were saved within the 150 ms a fault test waits before its fault (measured: answered 63 ms
 * before the kill), so the fault no longer landed on a save in progress.
 */
export const SLOW_BATCH_FIELDS = FIELD_IDS.length;

/** How long the second half of a slow save's body waits (see prepareSlowRequests). */
export const SLOW_UPLOAD_MS = 2_000;

/** A request sent to keep a service busy when a fault lands: `marker` starts each value of a bulk save. */
export interface SlowRequest {
  what: string;
  startedAt: number;
  answer: Promise<HttpResult>;
  projectId?: string;
  marker?: string;
}

/**
 * Prepares requests that hold a service for a while (argon2 logins, with the stack's ARGON2_TIME_COST raised;
 * a batch of many fields saved at once; a synchronous render) and returns the function that sends them, on
 * fresh connections, so that a fault provably lands while the service holds accepted work. The gateway is held
 * by the bulk saves it proxies. Preparing (projects, answers to render) happens before the traffic starts.
 */
export async function prepareSlowRequests(api: ApiClient, session: Session, name: StackServiceName): Promise<() => SlowRequest[]> {
  const send = (what: string, method: string, path: string, body: unknown, extra: Partial<SlowRequest> = {}, halfBodyDelayMs?: number): SlowRequest => ({
    what,
    startedAt: Date.now(),
    answer: api.call(method, path, { token: session.accessToken, body, timeoutMs: 30_000, agent: false, halfBodyDelayMs }),
    ...extra,
  });
  if (name === 'auth-service') return () => [1, 2, 3, 4].map(() => send('login', 'POST', '/api/auth/login', { email: session.email, password: session.password }));
  if (name === 'pdf-service') {
    const projectId = await api.createProject(session, 'Rendered during the fault');
    await api.saveAnswers(session, projectId, answers(SLOW_BATCH_FIELDS, (id) => `render ${id}`));
    return () => [send('render', 'POST', '/api/generate-pdf', { project_id: projectId })];
  }
  const projectIds = [await api.createProject(session, `Bulk saved during the fault of ${name}`), await api.createProject(session, `Bulk saved during the fault of ${name}`)];
  return () =>
    projectIds.map((projectId) => {
      const marker = `bulk ${name} ${projectId}`;
      // A save is one quick write now: its body arrives in two halves 2 s apart, so the save is surely still in
      // progress (being received) when a fault comes 150 ms after it was sent, on an idle machine as on a busy one.
      return send('bulk save', 'PUT', `/api/projects/${projectId}/responses`, { responses: answers(SLOW_BATCH_FIELDS, (id) => `${marker} ${id}`) }, { projectId, marker }, SLOW_UPLOAD_MS);
    });
}

/**
 * The request ids a service process logs from now on. Its access log line is written after the answer, so
 * an id missing there belongs to a request the process never took (or never answered).
 */
export function watchLoggedRequestIds(stack: TestStack, name: StackServiceName): Set<string> {
  const ids = new Set<string>();
  let partial = '';
  stack.process(name)?.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const id = /"requestId":"([^"]+)"/.exec(line)?.[1];
      if (id) ids.add(id);
    }
  });
  return ids;
}

/**
 * Collects the services' error and fatal log lines (a 500 is logged with its cause) for `onOutput` of the stack,
 * so a test can show them when it ends: after a failure they are the only trace of the cause.
 */
export function collectErrorLines(limit = 50): { lines: string[]; onOutput: (service: StackServiceName, stream: 'stdout' | 'stderr', chunk: Buffer) => void } {
  const lines: string[] = [];
  return {
    lines,
    onOutput: (service, _stream, chunk) => {
      for (const line of chunk.toString().split('\n')) if (/"level":"(error|fatal)"/.test(line) && lines.length < limit) lines.push(`${service}: ${line.slice(0, 2_000)}`);
    },
  };
}

/** Writes lines next to the recorded results (`.bin/system-results/<file>`), e.g. the error lines of a run. */
export function writeResultLog(file: string, lines: string[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, file), lines.length ? `${lines.join('\n')}\n` : '');
}

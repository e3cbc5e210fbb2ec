import { Agent } from 'node:http';
import { ApiClient, FIELD_IDS, sleep, type Session } from '../../test/system/support/api-client';
import { http, jsonOf, type HttpResult } from '../../test/system/support/http-client';

/**
 * The load harness: virtual users doing what the frontend does (list projects, write and read answers,
 * request PDFs and poll them), each request recorded. Used by the load, soak and fault tests (test/system)
 * and by bench/load/run.sh. Bounded in time and in request count.
 */

export type Operation = 'listProjects' | 'readProject' | 'writeAnswers' | 'readAnswers' | 'requestPdf' | 'pollJob' | 'readPlaybook' | 'me';

/** A realistic mix: mostly reading and saving answers, now and then a PDF. */
export const REALISTIC_MIX: Record<Operation, number> = {
  listProjects: 20,
  readProject: 10,
  writeAnswers: 25,
  readAnswers: 20,
  requestPdf: 4,
  pollJob: 8,
  readPlaybook: 8,
  me: 5,
};

export interface Sample {
  op: Operation;
  /** The route template, e.g. `PUT /api/projects/:id/responses`. */
  route: string;
  status: number;
  /** Epoch ms when the request was sent. */
  startedAt: number;
  ms: number;
  error?: string;
  user: number;
}

/** One user's state: its session, its project, the answer writes it made and which were acknowledged. */
export interface VirtualUser {
  index: number;
  session: Session;
  projectId: string;
  /** The fields this user rewrites as one bulk write; every write puts the same sequence number in all. */
  fieldIds: string[];
  nextSeq: number;
  /** Highest sequence number whose write got a 200. */
  lastAckedSeq: number;
  /** Sequence numbers whose write got no clear answer (may or may not have applied). */
  unclearSeqs: Set<number>;
  jobIds: string[];
}

export interface TrafficOptions {
  baseUrl: string;
  users: VirtualUser[];
  durationMs: number;
  /** Hard bound on requests in total (default: 200 per user per minute of duration, at most 1,000,000). */
  maxRequests?: number;
  /** Pause after each request of a user (ms); 0 is a closed loop. */
  thinkMs?: number;
  mix?: Partial<Record<Operation, number>>;
  timeoutMs?: number;
  /** Called for each finished request (fault tests watch the stream). */
  onSample?: (sample: Sample) => void;
}

export interface TrafficRun {
  samples: Sample[];
  /** Stops sending; resolves when every user's last request has finished. */
  stop(): Promise<Sample[]>;
  done: Promise<Sample[]>;
}

const WRITE_FIELDS = 6;
const running = new Set<TrafficRun>();

/** Stops every traffic run still going (a test's afterAll, so a failed assertion never leaves users running). */
export async function stopAllTraffic(): Promise<void> {
  await Promise.all([...running].map((run) => run.stop()));
}

/** Registers `count` users (each with one project and a first bulk answer) before the traffic starts. */
export async function createUsers(baseUrl: string, count: number, concurrency = 5): Promise<VirtualUser[]> {
  const api = new ApiClient(baseUrl);
  const users: VirtualUser[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const session = await api.register(`vu${index}`);
      const projectId = await api.createProject(session, `Load project ${index}`);
      const offset = (index * 7) % Math.max(1, FIELD_IDS.length - WRITE_FIELDS);
      const user: VirtualUser = { index, session, projectId, fieldIds: FIELD_IDS.slice(offset, offset + WRITE_FIELDS), nextSeq: 1, lastAckedSeq: 0, unclearSeqs: new Set(), jobIds: [] };
      users.push(user);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return users.sort((a, b) => a.index - b.index);
}

/** The value a write with sequence number `seq` puts in field `i`: text with a recoverable sequence number. */
export const answerValue = (seq: number, i: number) =>
  `seq:${seq} — note ${i}: Nutzer erzählen, dass der Ablauf zu lang ist; 用户希望更快 ✨\nsecond line of the answer for field ${i}`;
export const seqOf = (value: string) => Number(/^seq:(\d+) /.exec(value)?.[1] ?? NaN);

function pick(mix: Record<string, number>): Operation {
  const entries = Object.entries(mix).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = Math.random() * total;
  for (const [op, weight] of entries) {
    roll -= weight;
    if (roll < 0) return op as Operation;
  }
  return (entries[0]?.[0] ?? 'listProjects') as Operation;
}

/** Starts the virtual users; call `stop()` or await `done` (after `durationMs`). */
export function startTraffic(options: TrafficOptions): TrafficRun {
  const { baseUrl, users, durationMs } = options;
  const mix = { ...REALISTIC_MIX, ...options.mix };
  const maxRequests = options.maxRequests ?? Math.min(1_000_000, Math.ceil(users.length * 200 * Math.max(1, durationMs / 60_000)) * 10);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const agent = new Agent({ keepAlive: true, maxSockets: users.length + 4 });
  const samples: Sample[] = [];
  const deadline = Date.now() + durationMs;
  let stopped = false;
  let sent = 0;

  const send = async (user: VirtualUser, op: Operation, route: string, method: string, path: string, body?: unknown): Promise<HttpResult> => {
    const startedAt = Date.now();
    sent++;
    const result = await http(method, `${baseUrl}${path}`, {
      headers: { authorization: `Bearer ${user.session.accessToken}` },
      body,
      timeoutMs,
      agent,
    });
    const sample: Sample = { op, route, status: result.status, startedAt, ms: result.ms, user: user.index, ...(result.error ? { error: result.error } : {}) };
    samples.push(sample);
    options.onSample?.(sample);
    return result;
  };

  const act = async (user: VirtualUser, op: Operation) => {
    switch (op) {
      case 'listProjects':
        return send(user, op, 'GET /api/projects', 'GET', '/api/projects?limit=20');
      case 'readProject':
        return send(user, op, 'GET /api/projects/:id', 'GET', `/api/projects/${user.projectId}`);
      case 'readAnswers':
        return send(user, op, 'GET /api/projects/:id/responses', 'GET', `/api/projects/${user.projectId}/responses`);
      case 'readPlaybook':
        return send(user, op, 'GET /api/playbook', 'GET', '/api/playbook');
      case 'me':
        return send(user, op, 'GET /api/auth/me', 'GET', '/api/auth/me');
      case 'writeAnswers': {
        const seq = user.nextSeq++;
        const responses = user.fieldIds.map((fieldId, i) => ({ fieldId, value: answerValue(seq, i) }));
        const result = await send(user, op, 'PUT /api/projects/:id/responses', 'PUT', `/api/projects/${user.projectId}/responses`, { responses });
        if (result.status === 200 || result.status === 204) user.lastAckedSeq = Math.max(user.lastAckedSeq, seq);
        else if (result.status === 0 || result.status >= 500) user.unclearSeqs.add(seq);
        return result;
      }
      case 'requestPdf': {
        const result = await send(user, op, 'POST /api/projects/:id/pdf', 'POST', `/api/projects/${user.projectId}/pdf`);
        const jobId = jsonOf<{ jobId?: string }>(result)?.jobId;
        if ((result.status === 202 || result.status === 200) && jobId) user.jobIds.push(jobId);
        return result;
      }
      case 'pollJob': {
        const jobId = user.jobIds.at(-1);
        if (!jobId) return send(user, 'listProjects', 'GET /api/projects', 'GET', '/api/projects?limit=20');
        return send(user, op, 'GET /api/pdf/jobs/:jobId', 'GET', `/api/pdf/jobs/${jobId}`);
      }
    }
  };

  const loop = async (user: VirtualUser) => {
    while (!stopped && Date.now() < deadline && sent < maxRequests) {
      await act(user, pick(mix));
      if (options.thinkMs) await sleep(options.thinkMs * (0.5 + Math.random()));
    }
  };
  const run: TrafficRun = {
    samples,
    done: Promise.all(users.map(loop)).then(() => {
      agent.destroy();
      running.delete(run);
      return samples;
    }),
    stop: async () => {
      stopped = true;
      return run.done;
    },
  };
  running.add(run);
  return run;
}

export interface RouteStats {
  route: string;
  count: number;
  statuses: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Count, status histogram and latency percentiles (ms) per route, plus the totals. */
export function summarize(samples: Sample[]): { routes: RouteStats[]; total: number; fivexx: number; networkErrors: number; unexpected: Sample[]; rps: number } {
  const byRoute = new Map<string, Sample[]>();
  for (const sample of samples) byRoute.set(sample.route, [...(byRoute.get(sample.route) ?? []), sample]);
  const routes = [...byRoute.entries()]
    .map(([route, list]) => {
      const sorted = list.map((s) => s.ms).sort((a, b) => a - b);
      const statuses: Record<string, number> = {};
      for (const s of list) {
        const key = s.status === 0 ? `error:${s.error}` : String(s.status);
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
      return { route, count: list.length, statuses, p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) };
    })
    .sort((a, b) => a.route.localeCompare(b.route));
  const span = samples.length ? (Math.max(...samples.map((s) => s.startedAt + s.ms)) - Math.min(...samples.map((s) => s.startedAt))) / 1000 : 0;
  return {
    routes,
    total: samples.length,
    fivexx: samples.filter((s) => s.status >= 500).length,
    networkErrors: samples.filter((s) => s.status === 0).length,
    unexpected: samples.filter((s) => !isExpectedUnderLoad(s)),
    rps: span ? Math.round((samples.length / span) * 10) / 10 : 0,
  };
}

/** Under load the only acceptable non-success is 429 (back-pressure, with Retry-After). */
export function isExpectedUnderLoad(sample: Sample): boolean {
  return (sample.status >= 200 && sample.status < 300) || sample.status === 429;
}

/** What the data looks like after a run: acknowledged writes missing (lost) and writes applied in part (torn). */
export async function verifyAnswers(baseUrl: string, users: VirtualUser[]): Promise<{ lost: number; torn: number; details: string[] }> {
  const api = new ApiClient(baseUrl);
  let lost = 0;
  let torn = 0;
  const details: string[] = [];
  for (const user of users) {
    const items = await api.readResponses(user.session, user.projectId);
    const seqs = user.fieldIds.map((fieldId) => seqOf(items.find((item) => item.fieldId === fieldId)?.value ?? ''));
    const distinct = new Set(seqs.map(String));
    if (user.lastAckedSeq === 0 && seqs.every(Number.isNaN)) continue;
    if (distinct.size > 1) {
      torn++;
      details.push(`user ${user.index}: fields hold different writes ${[...distinct].join(',')} (a bulk write applied in part)`);
      continue;
    }
    const seq = seqs[0] ?? NaN;
    const possible = seq === user.lastAckedSeq || (seq > user.lastAckedSeq && user.unclearSeqs.has(seq));
    if (!possible) {
      lost++;
      details.push(`user ${user.index}: last acknowledged write ${user.lastAckedSeq}, stored ${seq}`);
    }
  }
  return { lost, torn, details };
}

/** First failing request to the end of the last one, by `failed`: the window users saw errors in. */
export function errorWindow(samples: Sample[], failed: (sample: Sample) => boolean = (s) => !isExpectedUnderLoad(s)) {
  const failures = samples.filter(failed);
  if (!failures.length) return { failures: 0, windowMs: 0, statuses: {} as Record<string, number> };
  const first = Math.min(...failures.map((s) => s.startedAt));
  const last = Math.max(...failures.map((s) => s.startedAt + s.ms));
  const statuses: Record<string, number> = {};
  for (const s of failures) statuses[s.status || `error:${s.error}`] = (statuses[s.status || `error:${s.error}`] ?? 0) + 1;
  return { failures: failures.length, windowMs: Math.round(last - first), statuses, slowestMs: Math.round(Math.max(...failures.map((s) => s.ms))) };
}

import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { ApiClient, FIELD_IDS, sleep, type Session } from '../../test/system/support/api-client';
import { http, jsonOf, type HttpResult } from '../../test/system/support/http-client';

/**
 * The load harness: virtual users doing what the frontend does (list projects, write and read answers,
 * request PDFs and poll them), each request recorded. Used by the load, soak and fault tests (test/system)
 * and by bench/load/run.sh. Bounded in time and in request count.
 */

export type Operation = 'listProjects' | 'readProject' | 'writeAnswers' | 'readAnswers' | 'requestPdf' | 'pollJob' | 'readPlaybook' | 'me' | 'createProject';

/** A realistic mix: mostly reading and saving answers, now and then a PDF; a new project when one is full. */
export const REALISTIC_MIX: Record<Operation, number> = {
  createProject: 0,
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
  /** The x-request-id sent, so a request can be found in the services' logs. */
  requestId: string;
}

/**
 * What a save's answer promises: `acked` (200: stored), `refused` (4xx, e.g. 429 or 409: nothing stored) or
 * `unclear` (5xx or no answer: stored whole or not at all).
 */
export type SaveOutcome = 'acked' | 'refused' | 'unclear';

/** One answer save of a user: a slot of fields of one project, which no other save writes. */
export interface SaveRecord {
  seq: number;
  projectId: string;
  /** Index of the slot in the project: fields `slot * SAVE_FIELDS` to `slot * SAVE_FIELDS + SAVE_FIELDS - 1`. */
  slot: number;
  outcome: SaveOutcome;
  status: number;
  startedAt: number;
  ms: number;
}

/** One user's state: its session, its projects, every save it made and what its answer said. */
export interface VirtualUser {
  index: number;
  session: Session;
  /** The project the user works on now (the newest one). */
  projectId: string;
  projects: string[];
  /** The next free slot of `projectId`; a full project makes the user create a new one (slots are never reused). */
  nextSlot: number;
  nextSeq: number;
  saves: SaveRecord[];
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

/** A request sent and not answered yet. */
export interface PendingRequest {
  op: Operation;
  route: string;
  startedAt: number;
  user: number;
}

export interface TrafficRun {
  samples: Sample[];
  /** The requests on the wire right now (a fault test fires when the work it must cut is in progress). */
  pending(): PendingRequest[];
  /** Stops sending; resolves when every user's last request has finished. */
  stop(): Promise<Sample[]>;
  done: Promise<Sample[]>;
}

/** Fields per save: a batch big enough to be torn, small enough that a project holds many saves. */
export const SAVE_FIELDS = 4;
const SLOTS_PER_PROJECT = Math.floor(FIELD_IDS.length / SAVE_FIELDS);
export const slotFields = (slot: number) => FIELD_IDS.slice(slot * SAVE_FIELDS, slot * SAVE_FIELDS + SAVE_FIELDS);
const running = new Set<TrafficRun>();

/** Stops every traffic run still going (a test's afterAll, so a failed assertion never leaves users running). */
export async function stopAllTraffic(): Promise<void> {
  await Promise.all([...running].map((run) => run.stop()));
}

/**
 * Registers `count` users (each with one empty project) before the traffic starts. Two at a time, each tried
 * up to three times: argon2 hashing on a saturated machine can outlast the gateway's 10 s, and the setup is
 * not what is measured.
 */
export async function createUsers(baseUrl: string, count: number, concurrency = 2): Promise<VirtualUser[]> {
  const api = new ApiClient(baseUrl);
  const users: VirtualUser[] = [];
  let next = 0;
  // Each user signs up from its own address, as it sends everything else.
  const register = async (index: number, attemptsLeft = 3): Promise<Session> =>
    api.register(`vu${index}`, clientAddress(index)).catch((error: Error) => (attemptsLeft > 1 && / got 50[234] /.test(error.message) ? register(index, attemptsLeft - 1) : Promise.reject(error)));
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const session = await register(index);
      const projectId = await api.createProject(session, `Load project ${index}`);
      users.push({ index, session, projectId, projects: [projectId], nextSlot: 0, nextSeq: 1, saves: [], jobIds: [] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return users.sort((a, b) => a.index - b.index);
}

/**
 * Each virtual user's own client address, as the ingress would forward it: with TRUSTED_PROXY_HOPS=1 the
 * gateway's per-IP limits then count each user apart, as they would for people on their own machines (the
 * gateway replaces the header with the address it derived, so without trusted hops it changes nothing).
 */
export const clientAddress = (index: number) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

/** The value save `seq` of user `user` puts in field `i`: text no other save writes, with a recoverable sequence number. */
export const answerValue = (user: number, seq: number, i: number) =>
  `seq:${seq} user ${user} — note ${i}: Nutzer erzählen, dass der Ablauf zu lang ist; 用户希望更快 ✨\nsecond line of the answer for field ${i}`;

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
  const pending = new Set<PendingRequest>();
  const deadline = Date.now() + durationMs;
  let stopped = false;
  let sent = 0;

  const send = async (user: VirtualUser, op: Operation, route: string, method: string, path: string, body?: unknown): Promise<HttpResult> => {
    const startedAt = Date.now();
    const requestId = randomUUID();
    const onWire: PendingRequest = { op, route, startedAt, user: user.index };
    sent++;
    pending.add(onWire);
    const result = await http(method, `${baseUrl}${path}`, {
      headers: { authorization: `Bearer ${user.session.accessToken}`, 'x-request-id': requestId, 'x-forwarded-for': clientAddress(user.index) },
      body,
      timeoutMs,
      agent,
    });
    pending.delete(onWire);
    const sample: Sample = { op, route, status: result.status, startedAt, ms: result.ms, user: user.index, requestId, ...(result.error ? { error: result.error } : {}) };
    samples.push(sample);
    options.onSample?.(sample);
    return result;
  };

  const act = async (user: VirtualUser, op: Operation): Promise<HttpResult> => {
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
      case 'createProject': {
        const result = await send(user, op, 'POST /api/projects', 'POST', '/api/projects', { name: `Load project ${user.index}.${user.projects.length}` });
        const projectId = result.status === 201 ? jsonOf<{ id?: string }>(result)?.id : undefined;
        if (projectId) {
          user.projects.push(projectId);
          user.projectId = projectId;
        }
        // When that failed the user tries again at its next save: never reuse a slot, so every save stays checkable.
        if (projectId) user.nextSlot = 0;
        return result;
      }
      case 'writeAnswers': {
        // A full project first makes the user start a new one, so that no save overwrites another one's fields.
        if (user.nextSlot >= SLOTS_PER_PROJECT) return act(user, 'createProject');
        const seq = user.nextSeq++;
        const slot = user.nextSlot++;
        const responses = slotFields(slot).map((fieldId, i) => ({ fieldId, value: answerValue(user.index, seq, i) }));
        const projectId = user.projectId;
        const startedAt = Date.now();
        const result = await send(user, op, 'PUT /api/projects/:id/responses', 'PUT', `/api/projects/${projectId}/responses`, { responses });
        const outcome: SaveOutcome = result.status === 200 ? 'acked' : result.status >= 400 && result.status < 500 ? 'refused' : 'unclear';
        user.saves.push({ seq, projectId, slot, outcome, status: result.status, startedAt, ms: result.ms });
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

  // Each user starts by saving (as one does on opening a project), so every user has a save to check.
  // Users start spread over one think time, not all in the same millisecond.
  const loop = async (user: VirtualUser) => {
    if (options.thinkMs) await sleep(options.thinkMs * Math.random());
    for (let first = mix.writeAnswers > 0; !stopped && Date.now() < deadline && sent < maxRequests; first = false) {
      await act(user, first ? 'writeAnswers' : pick(mix));
      if (options.thinkMs) await sleep(options.thinkMs * (0.5 + Math.random()));
    }
  };
  const run: TrafficRun = {
    samples,
    pending: () => [...pending],
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

export interface SaveCheck {
  /** Saves answered 200, and how many of them were found whole. */
  acknowledged: number;
  found: number;
  /** Acknowledged saves missing in whole or in part. */
  lost: number;
  /** Saves stored in part (a batch is all or nothing, whatever its answer was). */
  torn: number;
  /** Saves answered 4xx (nothing stored) that were stored anyway. */
  refusedButStored: number;
  /** Saves without a clear answer, and how many of them were stored (whole). */
  unclear: number;
  unclearStored: number;
  details: string[];
}

/**
 * Checks every save of a run against what is stored. Each save wrote its own slot of fields with values no
 * other save writes, so each one is seen on its own: an acknowledged save must be there whole, a refused one
 * not at all, an unclear one whole or not at all. Reads each project once, after any save a fault cut has
 * been finished.
 */
export async function verifyAnswers(baseUrl: string, users: VirtualUser[]): Promise<SaveCheck> {
  const api = new ApiClient(baseUrl);
  const check: SaveCheck = { acknowledged: 0, found: 0, lost: 0, torn: 0, refusedButStored: 0, unclear: 0, unclearStored: 0, details: [] };
  for (const user of users) {
    for (const projectId of user.projects) {
      const stored = new Map((await readSettledResponses(api, user.session, projectId)).map((item) => [item.fieldId, item.value]));
      for (const save of user.saves.filter((candidate) => candidate.projectId === projectId)) {
        const present = slotFields(save.slot).filter((fieldId, i) => stored.get(fieldId) === answerValue(user.index, save.seq, i)).length;
        const whole = present === SAVE_FIELDS;
        const where = `user ${user.index} save ${save.seq} (answered ${save.status || 'nothing'} at ${save.startedAt + Math.round(save.ms)}, project ${projectId})`;
        if (present > 0 && !whole) {
          check.torn++;
          check.details.push(`${where}: ${present} of ${SAVE_FIELDS} fields stored`);
        }
        if (save.outcome === 'acked') {
          check.acknowledged++;
          if (whole) check.found++;
          else {
            check.lost++;
            check.details.push(`${where}: acknowledged, but ${present ? 'stored in part' : 'missing'}`);
          }
        } else if (save.outcome === 'refused' && present > 0) {
          check.refusedButStored++;
          check.details.push(`${where}: refused, but stored`);
        } else if (save.outcome === 'unclear') {
          check.unclear++;
          if (whole) check.unclearStored++;
        }
      }
    }
  }
  return check;
}

/**
 * A project's answers. A save cut by a fault keeps its project busy (409) until the next request finishes it,
 * and a service just back from a fault may still answer 503/504: a read is safe to repeat, so wait for that.
 */
export async function readSettledResponses(api: ApiClient, session: Session, projectId: string): Promise<Array<{ fieldId: string; value: string }>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await api.call('GET', `/api/projects/${projectId}/responses`, { token: session.accessToken, timeoutMs: 15_000 });
    if (result.status === 200) return jsonOf<{ items: Array<{ fieldId: string; value: string }> }>(result)!.items;
    if (![409, 503, 504].includes(result.status) || Date.now() > deadline) throw new Error(`reading the answers of ${projectId}: ${result.status} ${result.error ?? result.text.slice(0, 300)}`);
    await sleep(500);
  }
}

/** Saves that were on the wire at `instant` (sent before it, answered after it). */
export const savesInFlightAt = (users: VirtualUser[], instant: number) =>
  users.flatMap((user) => user.saves.filter((save) => save.startedAt <= instant && save.startedAt + save.ms >= instant));

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

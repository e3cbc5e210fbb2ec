import { readdirSync, readFileSync } from 'node:fs';
import { startStack, STACK_SERVICES, type StackOptions, type StackServiceName, type TestStack } from '../../support/stack';

/**
 * Environment for system runs: the limits that would turn a load test into a rate-limit test are raised
 * (the gateway's and auth's throttles are tested on their own in the hostile-input suite, with defaults),
 * and tokens outlive the 10-minute soak. Unknown variables are ignored by the services' config schemas.
 */
export const LOAD_ENV: Record<string, string> = {
  RATE_LIMIT_ENABLED: 'false',
  LOGIN_MAX_FAILURES_PER_IP: '1000000',
  REGISTRATIONS_PER_IP_PER_HOUR: '1000000',
  ACCESS_TOKEN_TTL_SECONDS: '3600',
};

/** Settings a benchmark run may compare from its own environment, e.g. `CHROMIUM_NICENESS=0 bench/load/run.sh load`. */
const COMPARED_SETTINGS = ['CHROMIUM_NICENESS'];
const comparedSettings = () => Object.fromEntries(COMPARED_SETTINGS.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));

/** The whole stack for a system test; `load` raises the rate limits. */
export function startSystemStack(options: StackOptions & { load?: boolean } = {}): Promise<TestStack> {
  const env = { ACCESS_TOKEN_TTL_SECONDS: '3600', ...(options.load ? LOAD_ENV : {}), ...comparedSettings(), ...options.env };
  return startStack({ ...options, env });
}

/** `SYSTEM_FULL=1` (npm run test:system:full) selects the long forms: 60 s load, 10 min soak, ≥ 2,000 fuzzed requests. */
export const FULL = process.env.SYSTEM_FULL === '1';

export const pidOf = (stack: TestStack, name: StackServiceName) => stack.process(name)?.child.pid;

/** Resident memory of a process in KiB (from /proc), or 0 when it is gone. */
export function rssKib(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Open file descriptors (sockets, files, pipes) of a process. */
export function openHandles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Every live process whose parent chain leads to `rootPid` (e.g. Chromium under pdf-service). */
export function descendants(rootPid: number): Array<{ pid: number; ppid: number; command: string }> {
  const all: Array<{ pid: number; ppid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      all.push({ pid: Number(entry), ppid, command });
    } catch {
      // the process ended while we looked
    }
  }
  const found: typeof all = [];
  let frontier = new Set([rootPid]);
  for (let depth = 0; depth < 10 && frontier.size; depth++) {
    const next = all.filter((p) => frontier.has(p.ppid));
    found.push(...next);
    frontier = new Set(next.map((p) => p.pid));
  }
  return found;
}

/** The pids of every process of the stack: the four services, NATS, the database, and Chromium's. */
export function stackPids(stack: TestStack): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const name of STACK_SERVICES) {
    const pid = pidOf(stack, name);
    if (pid) pids[name] = pid;
  }
  const pdf = pids['pdf-service'];
  const browser = pdf ? descendants(pdf).find((p) => /chrom/i.test(p.command) && !/--type=/.test(p.command)) : undefined;
  if (browser) pids.chromium = browser.pid;
  // NATS and the embedded database are children of this jest worker; find them by their ports.
  const mine = descendants(process.pid);
  const nats = mine.find((p) => /(^|\/)nats-server /.test(p.command) && p.command.includes(` ${stack.nats.port}`));
  if (nats) pids.nats = nats.pid;
  const db = stack.db && mine.find((p) => p.command.includes('embedded-db') && p.command.includes(`:${stack.db!.port}`));
  if (db) pids.database = db.pid;
  return pids;
}

/** Polls `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes (then returns undefined). */
export async function pollUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 200): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return undefined;
}

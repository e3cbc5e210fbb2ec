import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICES } from '@playbook/contract';
import { freePort } from '../support/processes';

const ROOT = resolve(__dirname, '../..');
const PORT_VARIABLES = ['NATS_PORT', 'NATS_MONITOR_PORT', 'DB_PORT', 'AUTH_PORT', 'PROJECT_PORT', 'PDF_PORT', 'GATEWAY_PORT'] as const;
type PortVariable = (typeof PORT_VARIABLES)[number];

/** A process as it runs now: its pid and start time (a pid alone may be reused once it is gone). */
interface ProcessIdentity {
  pid: number;
  startTime: string;
  command: string;
}

/** The `stat` fields after the command name (which may hold spaces), or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every process below `root` (children, their children, …), read from /proc. */
function descendants(root: number): ProcessIdentity[] {
  const children = new Map<number, number[]>();
  const starts = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields) continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    starts.set(Number(entry), fields[19]!);
  }
  const found: ProcessIdentity[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push({ pid: child, startTime: starts.get(child)!, command: commandLine(child) });
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** Still running: there, not a zombie, and the same process (same start time) as recorded. */
function stillRunning(process: ProcessIdentity): boolean {
  const fields = statFields(process.pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[19] === process.startTime;
}

/** Waits until none of `processes` runs; what still runs after `timeoutMs`, as "pid command" lines. */
async function waitUntilGone(processes: ProcessIdentity[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let running = processes.filter(stillRunning);
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    running = running.filter(stillRunning);
  }
  return running.map((p) => `${p.pid} ${p.command.slice(0, 100)}`);
}

/** Seven distinct ports free now, one per port variable of `npm start` (below the kernel's ephemeral range: freePort). */
async function freePorts(): Promise<Record<PortVariable, number>> {
  const ports = new Set<number>();
  while (ports.size < PORT_VARIABLES.length) ports.add(await freePort());
  const list = [...ports];
  return Object.fromEntries(PORT_VARIABLES.map((name, index) => [name, list[index]!])) as Record<PortVariable, number>;
}

/** `bash scripts/stack.sh` on free ports with its data and logs in a temporary folder, setup skipped (a built tree). */
function runStack(ports: Record<PortVariable, number>, dir: string) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    STACK_SKIP_SETUP: '1',
    STACK_DATA_DIR: join(dir, 'data'),
    STACK_LOG_DIR: join(dir, 'logs'),
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  };
  const child = spawn('bash', [join(ROOT, 'scripts/stack.sh')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    /** Its exit code, or a failure with its output when it still runs after `timeoutMs`. */
    async exitCode(timeoutMs: number): Promise<number | null> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the script still runs after ${timeoutMs} ms:\n${output}`)), timeoutMs);
      });
      try {
        return (await Promise.race([exited, timeout])).code;
      } finally {
        clearTimeout(timer);
      }
    },
    async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the script ended before ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}
type RunningStack = ReturnType<typeof runStack>;

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('npm start (scripts/stack.sh)', () => {
  let dir: string;
  let stack: RunningStack | undefined;
  let started: ProcessIdentity[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-stack-start-'));
    stack = undefined;
    started = [];
  });
  afterEach(async () => {
    if (stack && stack.child.exitCode === null && stack.child.signalCode === null) {
      stack.child.kill('SIGTERM');
      await stack.exitCode(20_000).catch(() => stack?.child.kill('SIGKILL'));
    }
    for (const leftover of started.filter(stillRunning)) process.kill(leftover.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** Starts the stack and waits for its banner; `started` holds every process below the script. */
  async function startUp(): Promise<RunningStack> {
    stack = runStack(await freePorts(), dir);
    await stack.waitForOutput(/Design Thinking Playbook is up/, 90_000);
    // The log tail starts just after the banner.
    const deadline = Date.now() + 10_000;
    do {
      started = descendants(stack.child.pid!);
      if (started.some((p) => p.command.startsWith('tail '))) return stack;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    throw new Error(`no log tail 10 s after the banner:\n${stack.output()}`);
  }

  it('refuses to start while its ports are taken, naming each port and the process holding it', async () => {
    const ports = await freePorts();
    const held = await Promise.all([listen(ports.GATEWAY_PORT), listen(ports.NATS_MONITOR_PORT)]);
    try {
      stack = runStack(ports, dir);
      const code = await stack.exitCode(20_000);
      const holder = `pid ${process.pid}: ${commandLine(process.pid).slice(0, 60)}`;
      expect(code).toBe(1);
      expect(stack.output()).toContain(`port ${ports.GATEWAY_PORT} (gateway) is taken by ${holder}`);
      expect(stack.output()).toContain(`port ${ports.NATS_MONITOR_PORT} (NATS monitoring) is taken by ${holder}`);
      expect(stack.output()).not.toMatch(/port \d+ \((NATS|database|auth-service|project-service|pdf-service)\) is taken/);
      expect(existsSync(join(dir, 'logs'))).toBe(false);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    } finally {
      await Promise.all(held.map((server) => new Promise((r) => server.close(r))));
    }
  }, 30_000);

  it('runs each service with its NODE_OPTIONS from the services table; says which process ended and how when one dies, and stops all the others', async () => {
    const running = await startUp();
    const project = started.find((p) => p.command.includes('project-service/dist/main.js'));
    expect(project).toBeDefined();
    expect(started.filter((p) => /\/dist\/main\.js|nats-server|embedded-db/.test(p.command))).toHaveLength(6);
    const nodeOptionsOf = (folder: string) => {
      const service = started.find((p) => p.command.includes(`${folder}/dist/main.js`))!;
      return /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(readFileSync(`/proc/${service.pid}/environ`, 'utf8'))?.[1];
    };
    expect(SERVICES.map(({ folder }) => [folder, nodeOptionsOf(folder)])).toEqual(SERVICES.map(({ folder, nodeOptions }) => [folder, nodeOptions]));

    process.kill(project!.pid, 'SIGKILL');
    expect(await running.exitCode(60_000)).toBe(1);
    expect(running.output()).toMatch(new RegExp(`project-service \\(pid ${project!.pid}\\) was killed by SIGKILL; the last lines of .*project-service\\.log:\\n[\\s\\S]*listening on`));
    expect(await waitUntilGone(started, 10_000)).toEqual([]);
  }, 180_000);

  it('leaves none of its processes running when the script itself is killed with SIGKILL', async () => {
    const running = await startUp();
    expect(started.some((p) => p.command.includes('gateway/dist/main.js'))).toBe(true);

    running.child.kill('SIGKILL');
    await running.exitCode(10_000);
    // Orphaned, each gets SIGTERM from the kernel and shuts down as it would on Ctrl-C (services allow 10 s).
    expect(await waitUntilGone(started, 30_000)).toEqual([]);
  }, 180_000);
});

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/**
 * Ports are picked below the kernel's ephemeral range (32768–60999 here), where it takes the local port of every
 * outgoing connection: a port from `listen(0)` could become the local end of one of the many connections opened
 * (the services' own, other suites') before the service bound it, which failed stacks with EADDRINUSE on a busy
 * machine.
 */
const PORT_RANGE = (() => {
  const [ephemeralStart] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return { from: 10_000, to: Math.min(ephemeralStart ?? 32_768, 65_536) - 1 };
})();

/** Whether nothing listens on `port`, on any address (the services listen on all of them). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** Ports this process has handed out: two picks at once (a stack's ports) must not find the same free port. */
const handedOut = new Set<number>();

/** A TCP port nothing listens on now, at random in PORT_RANGE, never one this process handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.from}–${PORT_RANGE.to} after 200 tries`);
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Spawns a helper process whose output is kept for failure messages; `stop` sends a signal and waits for exit. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000); });
  child.stderr?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<number | null> {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
export type StartedProcess = ReturnType<typeof startProcess>;

/**
 * A server process that a test may stop and start again on the same port and data folder (a NATS or
 * database outage); `destroy` stops it and removes the folder.
 */
export function restartableServer(command: string, args: string[], port: number, dataDir: string, startTimeoutMs: number, env?: NodeJS.ProcessEnv) {
  let process: StartedProcess | undefined;
  const start = async () => {
    process = startProcess(command, args, env);
    await waitForPort(port, startTimeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\n${process?.output()}`);
    });
  };
  return {
    start,
    /** The running server's process id (benchmarks measure its CPU). */
    pid: () => process?.child.pid,
    stop: async (signal?: NodeJS.Signals) => {
      await process?.stop(signal);
    },
    restart: start,
    async destroy() {
      await process?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `roots` and every process below them, from each process's parent in /proc (Linux). */
export function processTree(roots: number[]): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(pid) || !tree.has(ppid)) continue;
      tree.add(pid);
      grew = true;
    }
  }
  return [...tree];
}

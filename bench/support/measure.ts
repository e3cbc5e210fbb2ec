import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processTree } from '../../test/support/processes';
import { cpus, loadavg, totalmem } from 'node:os';

/** The value at percentile `p` (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** p50 and p95 of a sample, in ms, with its size. */
export function summarize(durations: number[]): { n: number; p50: number; p95: number } {
  return { n: durations.length, p50: percentile(durations, 50), p95: percentile(durations, 95) };
}

/** Runs `fn` `count` times one after another; the duration of each call in ms. */
export async function timeEach(count: number, fn: (index: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await fn(index);
    durations.push(performance.now() - started);
  }
  return durations;
}

export const formatMs = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ms` : '—');

/** What the numbers were measured on: the machine, and how busy it was (other work shares it). */
export function machine() {
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(),
    loadavg: loadavg().map((value) => Number(value.toFixed(2))),
  };
}

/**
 * Resident and proportional memory of the processes and all their descendants (Chromium's renderers and
 * zygotes, PostgreSQL's backends…), in MB; PSS splits shared pages fairly between the processes sharing them.
 */
export function processTreeMemoryMb(rootPids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of processTree(rootPids)) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      /* exited meanwhile */
    }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, with that of children that exited and were reaped) of the given processes, in ms. */
export function processCpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14–17 of proc(5), counted from the state (field 3) here.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      /* exited meanwhile */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

#!/usr/bin/env node
// CPU-seconds per kind of process over a window, read from /proc every 250 ms so that short-lived processes
// (Chromium's renderers) count too, beside how busy the whole machine was (/proc/stat).
// Usage: node bench/load/cpu-by-process.mjs [seconds, default 40]   (start it while a load test runs)
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

const seconds = Number(process.argv[2] ?? 40);
const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on
const KINDS = ['chromium', 'embedded-db', 'nats-server', 'otelcol', 'gateway', 'auth-service', 'project-service', 'pdf-service', 'jest'];

const read = (path) => { try { return readFileSync(path, 'latin1'); } catch { return undefined; } };
/** utime + stime of a process in ticks (fields 14 and 15, counted after the command's closing parenthesis). */
const ticksOf = (pid) => { const stat = read(`/proc/${pid}/stat`); if (!stat) return undefined; const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); return Number(fields[11]) + Number(fields[12]); };
const kindOf = (pid) => { const command = (read(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' '); return KINDS.find((kind) => command.includes(kind)) ?? 'other'; };
/** [busy, idle] ticks of the whole machine. */
const machine = () => { const [, ...values] = read('/proc/stat').split('\n')[0].trim().split(/\s+/).map(Number); return [values[0] + values[1] + values[2] + values[5] + values[6], values[3] + values[4]]; };
const pids = () => readdirSync('/proc').filter((name) => /^\d+$/.test(name));

const before = new Map(pids().map((pid) => [pid, ticksOf(pid) ?? 0]));
const last = new Map(); const kinds = new Map(); const used = new Map();
const [busy0, idle0] = machine();
const deadline = Date.now() + seconds * 1000;
while (Date.now() < deadline) {
  await delay(250);
  for (const pid of pids()) {
    const ticks = ticksOf(pid);
    if (ticks === undefined) continue;
    if (!kinds.has(pid)) kinds.set(pid, kindOf(pid));
    const previous = last.get(pid) ?? before.get(pid) ?? 0; // a process born in the window counts from 0
    if (ticks > previous) used.set(kinds.get(pid), (used.get(kinds.get(pid)) ?? 0) + ticks - previous);
    last.set(pid, ticks);
  }
}
const [busy1, idle1] = machine();
console.log(`${seconds} s: the machine busy ${((busy1 - busy0) / TICKS_PER_SECOND).toFixed(1)} CPU-s, idle ${((idle1 - idle0) / TICKS_PER_SECOND).toFixed(1)} CPU-s`);
for (const [kind, ticks] of [...used].sort((a, b) => b[1] - a[1])) console.log(`${(ticks / TICKS_PER_SECOND).toFixed(1).padStart(7)} CPU-s  ${kind}`);

// Medians per target over the rounds of run.sh (rates, latencies, server CPU per request), and the ratios
// docs/benchmarks.md sets targets for. Throughput counts only answered requests: wrk's rate includes non-2xx
// answers and socket errors, so each round's rate is scaled by its share of good answers, and a target with
// any failure is named.
import { readFileSync } from 'node:fs';

const toMs = (text) => (text.endsWith('us') ? parseFloat(text) / 1000 : text.endsWith('ms') ? parseFloat(text) : parseFloat(text) * 1000);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((line) => line.split('\t'));
const byTarget = new Map();
for (const [target, rps, p50, p99, total, failed, cpuPerRequest] of rows) {
  const entry = byTarget.get(target) ?? { rps: [], p50: [], p99: [], cpu: [], failed: 0 };
  const good = Number(total) > 0 ? (Number(total) - Number(failed)) / Number(total) : 0;
  entry.rps.push(parseFloat(rps) * good);
  entry.p50.push(toMs(p50));
  entry.p99.push(toMs(p99));
  entry.cpu.push(Number(cpuPerRequest));
  entry.failed += Number(failed);
  byTarget.set(target, entry);
}
const m = Object.fromEntries([...byTarget].map(([target, entry]) => [target, { rps: median(entry.rps), p50: median(entry.p50), p99: median(entry.p99), cpu: median(entry.cpu), failed: entry.failed }]));
console.log('| target (median of rounds) | good req/s | p50 | p99 | server CPU µs/request | failed requests (all rounds) |');
console.log('|---|---|---|---|---|---|');
for (const [target, value] of Object.entries(m)) console.log(`| ${target} | ${value.rps.toFixed(0)} | ${value.p50.toFixed(2)}ms | ${value.p99.toFixed(2)}ms | ${value.cpu.toFixed(0)} | ${value.failed} |`);
const on = m['gateway, token checked'];
const off = m['gateway, GATEWAY_AUTH=off'];
const nginx = m['nginx proxy'];
console.log('');
console.log(`auth on / auth off throughput: ${(on.rps / off.rps).toFixed(2)} (target >= 0.90)`);
console.log(`auth on / nginx throughput: ${((on.rps / nginx.rps) * 100).toFixed(1)} % (target >= 15 %)`);
console.log(`p99 auth on / auth off: ${(on.p99 / off.p99).toFixed(2)} (target <= 1.20)`);
console.log(`server CPU per request: auth off / auth on ${(off.cpu / on.cpu).toFixed(2)}, nginx / auth on ${((nginx.cpu / on.cpu) * 100).toFixed(1)} % (the throughput ratios if CPU were the only limit)`);
const baseOn = m['baseline, token checked'];
const baseOff = m['baseline, GATEWAY_AUTH=off'];
if (baseOn && baseOff) {
  console.log(`baseline: auth on / auth off ${(baseOn.rps / baseOff.rps).toFixed(2)}, auth on / nginx ${((baseOn.rps / nginx.rps) * 100).toFixed(1)} %, CPU per request auth off / auth on ${(baseOff.cpu / baseOn.cpu).toFixed(2)}, nginx / auth on ${((nginx.cpu / baseOn.cpu) * 100).toFixed(1)} %`);
}
const [tracedTarget, traced] = Object.entries(m).find(([target]) => target.startsWith('gateway, token checked, tracing')) ?? [];
if (traced) {
  console.log(`${tracedTarget.replace('gateway, token checked, ', '')} / off throughput: ${(traced.rps / on.rps).toFixed(2)} (target >= 0.90 at 100 %), server CPU per request ${traced.cpu.toFixed(0)} against ${on.cpu.toFixed(0)} µs`);
}
const failing = Object.entries(m).filter(([, value]) => value.failed > 0);
if (failing.length) {
  console.log(`\nNOT VALID: failed requests on ${failing.map(([target, value]) => `${target} (${value.failed})`).join(', ')}`);
  process.exitCode = 1;
}

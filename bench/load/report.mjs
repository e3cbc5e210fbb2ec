// Prints the latest system-suite measurements (.bin/system-results/*.json) as markdown tables for
// docs/reliability.md. Usage: node bench/load/report.mjs
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../.bin/system-results');
const read = (name) => (existsSync(join(dir, `${name}.json`)) ? JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) : {});
const out = [];
const mb = (kib) => `${(kib / 1024).toFixed(0)} MB`;

const load = read('load');
for (const [key, run] of Object.entries(load)) {
  if (typeof run !== 'object' || !run.routes) continue;
  out.push(`### Load ${key} (${run.total} requests, ${run.rps} req/s, 5xx ${run.fivexx}, network errors ${run.networkErrors}, 429 ${run.status429}, saves acknowledged ${run.saves?.acknowledged}, lost ${run.saves?.lost}, torn ${run.saves?.torn})`, '');
  out.push('| route | requests | statuses | p50 ms | p90 ms | p99 ms | max ms |', '|---|---:|---|---:|---:|---:|---:|');
  for (const r of run.routes) out.push(`| ${r.route} | ${r.count} | ${Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' ')} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} |`);
  out.push('');
}

const soak = read('soak');
for (const [key, run] of Object.entries(soak)) {
  if (typeof run !== 'object' || !run.processes) continue;
  out.push(`### Soak ${key} (${run.requests} requests, ${run.rps} req/s, non-2xx ${run.nonSuccess}, lost writes ${run.lostWrites})`, '');
  out.push('| process | RSS start | RSS after warm-up | RSS end | change after warm-up | fds after warm-up | fds end |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const p of run.processes) {
    const change = p.rssWarmKib ? `${(((p.rssEndKib - p.rssWarmKib) / p.rssWarmKib) * 100).toFixed(1)} %` : 'n/a';
    out.push(`| ${p.name} | ${mb(p.rssStartKib)} | ${mb(p.rssWarmKib)} | ${mb(p.rssEndKib)} | ${change} | ${p.handlesWarm} | ${p.handlesEnd} |`);
  }
  out.push('');
}

const faults = read('faults');
if (Object.keys(faults).length) out.push('### Faults (raw)', '', '```json', JSON.stringify(faults, null, 1), '```', '');
const hostile = read('hostile');
if (Object.keys(hostile).length) out.push('### Hostile input (raw)', '', '```json', JSON.stringify(hostile, null, 1), '```', '');
console.log(out.join('\n'));

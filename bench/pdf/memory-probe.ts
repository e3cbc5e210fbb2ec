/**
 * Where the render engine's memory goes: renders the typical playbook N times with 2 pages (as pdf-service
 * does, through PdfRenderer) and prints, every `--every` renders, the PSS of each Chromium process by its
 * role (browser, zygote, GPU, utility, each renderer) and of this node process with its V8 heap.
 *
 *   npx tsx bench/pdf/memory-probe.ts [--renders 300] [--every 30] [--max-renders 500] [--pages 2] [--page-renders 20]
 *   --page-renders is PDF_PAGE_MAX_RENDERS (0: a page lives as long as its browser). BENCH_CHROMIUM_ARGS="--flag
 *   --other" adds Chromium flags for an experiment; BENCH_CHROMIUM_PATH runs another browser binary (e.g.
 *   /usr/bin/chromium, the full browser, against the default headless shell).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { buildPlaybookDocument } from '../../pdf-service/src/domain/document-model';
import { playbookRenderInput } from '../../pdf-service/src/domain/playbook-template';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '../../pdf-service/src/rendering/chromium-launch';
import { DEFAULT_MAX_RENDERS_PER_PAGE } from '../../pdf-service/src/rendering/page-pool';
import { processTree } from '../../test/support/processes';
import { processCpuMs } from '../support/measure';
import { sampleSnapshot } from '../../pdf-service/test/support/sample-project';
import { createStandaloneRenderer } from '../../pdf-service/test/support/standalone-renderer';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const RENDERS = arg('renders', 300);
const EVERY = arg('every', 30);
const MAX_RENDERS = arg('max-renders', 500);
const PAGES = arg('pages', 2);
const PAGE_RENDERS = arg('page-renders', DEFAULT_MAX_RENDERS_PER_PAGE);
const CHROMIUM = process.env.BENCH_CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;

/** CPU seconds a process has used so far. */
const cpuSeconds = (pid: number) => processCpuMs([pid]) / 1000;

const pssMb = (pid: number) => {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

/** Every descendant of `root` with its Chromium role (`--type=`, `browser` for the root). */
function chromiumProcesses(root: number): Array<{ pid: number; role: string }> {
  return processTree([root]).map((pid) => {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      /* exited */
    }
    const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
    const sub = /--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1];
    return { pid, role: pid === root ? 'browser' : type === 'utility' && sub ? `utility(${sub.split('.').at(-1)})` : (type ?? 'other') };
  });
}

async function main(): Promise<void> {
  CHROMIUM_ARGS.push(...(process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean));
  const { renderer } = createStandaloneRenderer({
    poolSize: PAGES,
    maxRendersPerBrowser: MAX_RENDERS,
    maxRendersPerPage: PAGE_RENDERS > 0 ? PAGE_RENDERS : Number.POSITIVE_INFINITY,
    executablePath: CHROMIUM,
  });
  const loadAtStart = loadavg()[0]!;
  await renderer.warmUp();
  const input = playbookRenderInput(buildPlaybookDocument(sampleSnapshot()));
  let peak = 0;
  let rendererPeak = 0;
  const sample = () => {
    if (!renderer.browserPids().length) return;
    const processes = chromiumProcesses(renderer.browserPids()[0]!).map(({ pid, role }) => ({ role, mb: pssMb(pid) }));
    peak = Math.max(peak, pssMb(process.pid) + processes.reduce((sum, { mb }) => sum + mb, 0));
    rendererPeak = Math.max(rendererPeak, ...processes.filter(({ role }) => role === 'renderer').map(({ mb }) => mb));
  };
  const sampler = setInterval(sample, 100);
  const durations: number[] = [];
  const report = (done: number) => {
    // With --expose-gc, a full collection first: what is still referenced, not garbage waiting for V8.
    (globalThis as { gc?: () => void }).gc?.();
    const browser = renderer.browserPids().at(-1);
    const processes = browser ? chromiumProcesses(browser).map(({ pid, role }) => ({ role, mb: pssMb(pid), cpu: cpuSeconds(pid) })) : [];
    const chromium = processes.reduce((sum, { mb }) => sum + mb, 0);
    const node = pssMb(process.pid);
    const heap = getHeapStatistics().used_heap_size / 2 ** 20;
    const { heapTotal, external, arrayBuffers } = process.memoryUsage();
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const parts = processes
      .sort((a, b) => a.role.localeCompare(b.role))
      .map(({ role, mb, cpu }) => `${role} ${mb.toFixed(0)} (${cpu.toFixed(0)} s)`)
      .join(', ');
    process.stdout.write(`${String(done).padStart(4)}: total ${(chromium + node).toFixed(0)} MB (peak ${peak.toFixed(0)}) | node ${node.toFixed(0)} (heap ${heap.toFixed(0)}/${mb(heapTotal)}, external ${mb(external)}, array buffers ${mb(arrayBuffers)}) | chromium ${chromium.toFixed(0)}: ${parts}\n`);
  };
  report(0);
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PAGES }, async () => {
      while (next < RENDERS) {
        next += 1;
        const { durationMs } = await renderer.render(input);
        durations.push(durationMs);
        done += 1;
        if (done % EVERY === 0) report(done);
      }
    }),
  );
  clearInterval(sampler);
  const p50 = durations.sort((a, b) => a - b)[Math.floor(durations.length / 2)] ?? 0;
  process.stdout.write(
    `${(RENDERS / ((performance.now() - started) / 1000)).toFixed(2)} docs/s, render p50 ${p50.toFixed(0)} ms, peak ${peak.toFixed(0)} MB (one renderer ${rendererPeak.toFixed(0)}), ` +
      `load ${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}, page renders ${PAGE_RENDERS || 'unlimited'}, ` +
      `browser ${CHROMIUM}, flags: ${process.env.BENCH_CHROMIUM_ARGS ?? '(none added)'}\n`,
  );
  await renderer.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});

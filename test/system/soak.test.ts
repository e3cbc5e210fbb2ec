import { createUsers, startTraffic, summarize, verifyAnswers, stopAllTraffic } from '../../bench/load/traffic';
import type { TestStack } from '../support/stack';
import { collectErrorLines, describeSamples, recordResult } from './support/fault-helpers';
import { FULL, openHandles, rssKib, stackPids, startSystemStack } from './support/system-stack';

/**
 * A steady rate for 10 minutes (full run only; SOAK_SECONDS overrides): no error, every process's RSS
 * flat within 15 % after warm-up, no growth in open handles (file descriptors).
 */
const SOAK_MS = Number(process.env.SOAK_SECONDS ?? 600) * 1000;
const WARMUP_MS = Math.min(120_000, SOAK_MS / 5);
const SAMPLE_EVERY_MS = Math.max(1_000, Math.min(10_000, SOAK_MS / 30));
const soak = FULL || process.env.SOAK_SECONDS ? describe : describe.skip;

soak(`soak: a steady rate for ${SOAK_MS / 1000} s`, () => {
  let stack: TestStack;
  /** The services' error lines, shown when the soak ends: after a failure the only trace of its cause. */
  const errors = collectErrorLines();
  beforeAll(async () => {
    // pdf-service keeps recent PDFs in a bounded in-memory cache (PDF_MEMORY_CACHE_MB, 64 by default); filling
    // it is growth by design, not a leak, so the soak uses a small one that is full within the warm-up.
    stack = await startSystemStack({ load: true, ownDatabase: true, env: { PDF_MEMORY_CACHE_MB: '2' }, onOutput: errors.onOutput });
  }, 120_000);
  afterAll(async () => {
    if (errors.lines.length > 0) console.warn(`error lines logged by the services during the soak:\n${errors.lines.join('\n')}`);
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it('keeps memory and handles flat and never fails a request', async () => {
    const users = await createUsers(stack.gatewayUrl, 10);
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: SOAK_MS, thinkMs: 200, mix: { requestPdf: 1 }, timeoutMs: 30_000 });
    const series: Array<{ atMs: number; rssKib: Record<string, number>; handles: Record<string, number> }> = [];
    const started = Date.now();
    while (Date.now() - started < SOAK_MS) {
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
      const pids = stackPids(stack);
      series.push({
        atMs: Date.now() - started,
        rssKib: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssKib(pid)])),
        handles: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, openHandles(pid)])),
      });
    }
    const samples = await traffic.done;
    const summary = summarize(samples);
    // Recorded even when the check throws (a read that fails), so a failed soak still leaves its numbers.
    const data = await verifyAnswers(stack.gatewayUrl, users).catch((error: unknown) => error as Error);
    // Medians over a minute, so the garbage collectors' sawtooth does not decide: the minute after warm-up
    // against the last minute.
    const windowMs = Math.min(60_000, SOAK_MS / 5);
    const warmWindow = series.filter((point) => point.atMs >= WARMUP_MS && point.atMs < WARMUP_MS + windowMs);
    const endWindow = series.filter((point) => point.atMs >= SOAK_MS - windowMs);
    const median = (points: typeof series, name: string, of: 'rssKib' | 'handles') => {
      const values = points.map((p) => p[of][name] ?? 0).sort((a, b) => a - b);
      return values[Math.floor(values.length / 2)] ?? 0;
    };
    const processes = Object.keys(series.at(-1)!.rssKib).map((name) => ({
      name,
      rssStartKib: series[0]!.rssKib[name] ?? 0,
      rssWarmKib: median(warmWindow.length ? warmWindow : series, name, 'rssKib'),
      rssEndKib: median(endWindow, name, 'rssKib'),
      handlesWarm: median(warmWindow.length ? warmWindow : series, name, 'handles'),
      handlesEnd: median(endWindow, name, 'handles'),
    }));
    recordResult('soak', `${SOAK_MS / 1000}s`, {
      seconds: SOAK_MS / 1000,
      requests: summary.total,
      rps: summary.rps,
      nonSuccess: summary.total - samples.filter((s) => s.status >= 200 && s.status < 300).length,
      routes: summary.routes,
      processes,
      series,
      lostWrites: data instanceof Error ? undefined : data.lost,
      saves: data instanceof Error ? data.message : data,
    });
    if (data instanceof Error) throw data;
    expect(describeSamples(samples.filter((s) => s.status < 200 || s.status >= 300).slice(0, 20))).toBe('');
    expect(data.details).toEqual([]);
    for (const p of processes) {
      // Chromium is found anew at each sample (it is replaced after PDF_BROWSER_MAX_RENDERS renders).
      expect({ name: p.name, grewBeyond15Percent: p.rssEndKib > p.rssWarmKib * 1.15 }).toEqual({ name: p.name, grewBeyond15Percent: false });
      expect({ name: p.name, handlesGrew: p.handlesEnd > p.handlesWarm * 1.1 + 10 }).toEqual({ name: p.name, handlesGrew: false });
    }
  }, SOAK_MS + 180_000);
});

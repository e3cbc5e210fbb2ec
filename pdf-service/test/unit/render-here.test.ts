import { snapshotCacheKey } from '../../src/domain/cache-key';
import { generatePdf } from '../../src/domain/generate-pdf';
import type { JobWaiting } from '../../src/domain/ports';
import { renderJob } from '../../src/domain/render-job';
import { requestPdf } from '../../src/domain/request-pdf';
import { fakePdfDeps, snapshotOf } from './fake-pdf-deps';

/** A wait that must not happen: the request renders the PDF itself. */
const noWait: JobWaiting = {
  waitFor: async () => {
    throw new Error('the request waited for a worker');
  },
};

/** A wait like JobWaiter's, with a worker of this process taking the job's delivery meanwhile. */
const workerMeanwhile = (fake: ReturnType<typeof fakePdfDeps>): JobWaiting => ({
  waitFor: async (jobId, _timeoutMs, check) => (await check()) ?? (await renderJob(fake.deps, jobId, 2), check()),
});

function withFreePage() {
  const fake = fakePdfDeps();
  fake.pages.free = true;
  return fake;
}

/** The job's render in this process, settled (stored and recorded done, or handed back). */
const settled = (fake: ReturnType<typeof fakePdfDeps>, jobId: string) => fake.deps.heldHere.get(jobId) ?? Promise.resolve();

describe('a one-call PDF rendered in its request (render-here.ts, with fakes)', () => {
  it('renders at once when a page is free, queues the job beside the render, then stores it and records it done', async () => {
    const fake = withFreePage();
    const generated = await generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000);
    expect(generated.ready && generated.pdf.toString()).toBe('%PDF-1.7 fake render 1');
    const { jobId } = generated.job;
    expect(fake.queued).toEqual([jobId]);
    await settled(fake, jobId);
    expect(fake.jobs.get(jobId)).toMatchObject({ status: 'done', attempts: 1, fileId: snapshotCacheKey(snapshotOf(1)), pages: 12 });
    expect(fake.files.get(snapshotCacheKey(snapshotOf(1)))?.pdf.toString()).toBe('%PDF-1.7 fake render 1');
    expect(fake.announced.map((event) => event.status)).toEqual(['rendering', 'done']);
    expect(fake.slots.size).toBe(0);
    expect(fake.deps.heldHere.size).toBe(0);
  });

  it('answers before the PDF is stored, and the job is done once it is', async () => {
    const fake = withFreePage();
    let store: () => void = () => undefined;
    const { save } = fake.deps.files;
    fake.deps.files.save = async (...args) => {
      await new Promise<void>((resolve) => (store = resolve));
      return save(...args);
    };
    const generated = await generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000);
    expect(generated.ready).toBe(true);
    expect(fake.jobs.get(generated.job.jobId)?.status).toBe('rendering');
    store();
    await settled(fake, generated.job.jobId);
    expect(fake.jobs.get(generated.job.jobId)?.status).toBe('done');
  });

  it('gives the reserved page back when no render is needed or the request fails', async () => {
    const fake = withFreePage();
    const first = await generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000);
    await settled(fake, first.job.jobId);
    expect(fake.pages.taken).toBe(0);
    expect((await generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000)).ready).toBe(true);
    expect(fake.pages.taken).toBe(0);
    await expect(generatePdf(fake.deps, noWait, 'ana', 'missing', 25_000)).rejects.toMatchObject({ status: 404 });
    expect(fake.pages.taken).toBe(0);
    expect(fake.renders).toHaveLength(1);
  });

  it('gives the page back when the job cannot be recorded', async () => {
    const fake = withFreePage();
    fake.deps.jobs.create = async () => Promise.reject(new Error('database unavailable'));
    await expect(generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000)).rejects.toThrow('database unavailable');
    expect(fake.pages.taken).toBe(0);
    expect(fake.renders).toHaveLength(0);
  });

  it('goes through the work queue when no page is free', async () => {
    const fake = fakePdfDeps();
    const generated = await generatePdf(fake.deps, workerMeanwhile(fake), 'ana', 'p1', 25_000);
    expect(generated.ready).toBe(true);
    expect(fake.jobs.get(generated.job.jobId)).toMatchObject({ status: 'done', attempts: 2 });
    expect(fake.jobs.get(generated.job.jobId)?.heldUntil).toBeUndefined();
    expect(fake.announced.map((event) => event.status)).toEqual(['queued', 'rendering', 'done']);
  });

  it('holds a new job for its request: rendering from the start, not queued, not announced queued', async () => {
    const fake = fakePdfDeps();
    const before = Date.now();
    fake.pages.free = true;
    const outcome = await requestPdf(fake.deps, 'ana', 'p1', undefined, { renderHere: { reservePage: () => fake.deps.renderer.reservePage(), holdMs: 70_000 } });
    expect(outcome).toMatchObject({ cached: false, queued: false, held: { snapshot: snapshotOf(1) }, job: { status: 'rendering', attempts: 1 } });
    expect(outcome.job.heldUntil!.getTime()).toBeGreaterThanOrEqual(before + 70_000);
    expect(fake.queued).toEqual([]);
    expect(fake.announced).toEqual([]);
  });

  it('hands a failed render to the work queue, whose worker renders it for the waiting request', async () => {
    const fake = withFreePage();
    const { render } = fake.deps.renderer;
    let renders = 0;
    fake.deps.renderer.render = async (input) => (++renders === 1 ? Promise.reject(new Error('Chromium crashed')) : render(input));
    const generated = await generatePdf(fake.deps, workerMeanwhile(fake), 'ana', 'p1', 25_000);
    expect(generated.ready && generated.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(fake.jobs.get(generated.job.jobId)).toMatchObject({ status: 'done', attempts: 2 });
    expect(fake.logs()).toContain('its render failed, the work queue takes it: Chromium crashed');
  });

  it('fails the job, answers the failure and frees its place when its render fails and it could not be queued', async () => {
    const fake = withFreePage();
    fake.failures.enqueue = true;
    fake.deps.renderer.render = async () => Promise.reject(new Error('Chromium crashed'));
    const waiting: JobWaiting = { waitFor: async (_jobId, _timeoutMs, check) => check() };
    await expect(generatePdf(fake.deps, waiting, 'ana', 'p1', 25_000)).rejects.toMatchObject({ status: 503, detail: expect.stringContaining('Chromium crashed') });
    expect([...fake.jobs.values()].map((job) => job.status)).toEqual(['failed']);
    expect(fake.announced.map((event) => event.status)).toEqual(['rendering', 'failed']);
    expect(fake.slots.size).toBe(0);
  });

  it('hands the job to the work queue when its PDF cannot be stored after the answer', async () => {
    const fake = withFreePage();
    const { save } = fake.deps.files;
    let saves = 0;
    fake.deps.files.save = async (...args) => (++saves === 1 ? Promise.reject(new Error('object store unavailable')) : save(...args));
    const generated = await generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000);
    expect(generated.ready).toBe(true);
    const { jobId } = generated.job;
    await settled(fake, jobId);
    expect(fake.jobs.get(jobId)).toMatchObject({ status: 'queued', error: 'Storing the PDF failed: object store unavailable' });
    expect(await renderJob(fake.deps, jobId, 2)).toMatchObject({ outcome: 'done' });
    expect(fake.files.has(snapshotCacheKey(snapshotOf(1)))).toBe(true);
  });
});

describe('the work queue and a job rendered in its request (renderJob, with fakes)', () => {
  it('waits for the render of a request of this process and skips the job it finished', async () => {
    const fake = withFreePage();
    let finishRender: () => void = () => undefined;
    const { render } = fake.deps.renderer;
    fake.deps.renderer.render = async (input) => {
      await new Promise<void>((resolve) => (finishRender = resolve));
      return render(input);
    };
    const generating = generatePdf(fake.deps, noWait, 'ana', 'p1', 25_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [jobId] = fake.queued;
    const readsBefore = fake.calls.find;
    const delivered = renderJob(fake.deps, jobId!, 1);
    finishRender();
    await generating;
    expect(await delivered).toEqual({ outcome: 'skipped', reason: 'the job is already done' });
    expect(fake.renders).toHaveLength(1);
    // One look at the job, once the render here has settled: not a poll of the database while it lasts.
    expect(fake.calls.find - readsBefore).toBe(1);
  });

  it("leaves another replica's held job alone until its hold ends, then renders it", async () => {
    const fake = fakePdfDeps();
    const heldUntil = new Date(Date.now() + 300);
    const job = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'rendering', attempts: 1, heldUntil });
    expect(await renderJob(fake.deps, job.jobId, 2)).toMatchObject({ outcome: 'done' });
    expect(Date.now()).toBeGreaterThanOrEqual(heldUntil.getTime());
    expect(fake.jobs.get(job.jobId)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it("acks the delivery of a job another replica's request finishes soon after it, not a second later", async () => {
    const fake = fakePdfDeps();
    const job = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'rendering', attempts: 1, heldUntil: new Date(Date.now() + 70_000) });
    setTimeout(() => fake.jobs.set(job.jobId, { ...fake.jobs.get(job.jobId)!, status: 'done', fileId: job.cacheKey }), 150);
    const started = Date.now();
    expect(await renderJob(fake.deps, job.jobId, 1)).toEqual({ outcome: 'skipped', reason: 'the job is already done' });
    // Looked at after 0.1 and 0.3 s: done by then (a look every second would see it after 1 s).
    expect(Date.now() - started).toBeLessThan(800);
    expect(fake.renders).toHaveLength(0);
  });

  it("renders another replica's held job as soon as that replica hands it back", async () => {
    const fake = fakePdfDeps();
    const job = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'rendering', attempts: 1, heldUntil: new Date(Date.now() + 60_000) });
    setTimeout(() => void fake.deps.jobs.markRetrying(job.jobId, 'Rendering failed: Chromium crashed'), 100);
    const started = Date.now();
    expect(await renderJob(fake.deps, job.jobId, 2)).toMatchObject({ outcome: 'done' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

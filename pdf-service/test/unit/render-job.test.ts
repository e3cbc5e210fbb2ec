import { snapshotCacheKey } from '../../src/domain/cache-key';
import { failJob, PermanentJobError, renderJob } from '../../src/domain/render-job';
import { requestPdf } from '../../src/domain/request-pdf';
import { fakePdfDeps, snapshotOf } from './fake-pdf-deps';

function withQueuedJob() {
  const fake = fakePdfDeps();
  const job = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)) });
  return { fake, job };
}

describe('renderJob (domain, with fakes)', () => {
  it('renders the project, stores the PDF under its cache key, marks the job done and announces it rendering, then done', async () => {
    const { fake, job } = withQueuedJob();
    const result = await renderJob(fake.deps, job.jobId, 1);
    expect(result).toMatchObject({ outcome: 'done', job: { status: 'done', pages: 12, fileId: job.cacheKey } });
    expect(fake.renders).toHaveLength(1);
    expect(fake.renders[0]?.html).toContain('goal at v1');
    expect(fake.files.get(job.cacheKey)).toMatchObject({ projectId: 'p1', ownerId: 'ana', pages: 12 });
    expect(fake.jobs.get(job.jobId)?.status).toBe('done');
    expect(fake.announced).toEqual([
      { jobId: job.jobId, projectId: 'p1', ownerId: 'ana', status: 'rendering' },
      { jobId: job.jobId, projectId: 'p1', ownerId: 'ana', status: 'done' },
    ]);
    expect(fake.counted).toEqual(['jobs done']);
  });

  it("gives the owner's place back when the job is done or failed, so the next job takes it with one write", async () => {
    const fake = fakePdfDeps();
    fake.projects.set('p2', snapshotOf(1, 'p2'));
    const { job: rendered } = await requestPdf(fake.deps, 'ana', 'p1');
    const { job: failed } = await requestPdf(fake.deps, 'ana', 'p2');
    expect([fake.slots.get('ana#0'), fake.slots.get('ana#1')]).toEqual([rendered.jobId, failed.jobId]);
    await renderJob(fake.deps, rendered.jobId, 1);
    expect(fake.slots.has('ana#0')).toBe(false);
    await failJob(fake.deps, failed.jobId, 'Chromium crashed');
    expect(fake.slots.has('ana#1')).toBe(false);
  });

  it('finishes the job when its place cannot be given back (the next request frees it)', async () => {
    const fake = fakePdfDeps();
    const { job } = await requestPdf(fake.deps, 'ana', 'p1');
    fake.deps.jobSlots.free = async () => Promise.reject(new Error('database unreachable'));
    expect(await renderJob(fake.deps, job.jobId, 1)).toMatchObject({ outcome: 'done' });
    expect(fake.announced.map((event) => event.status)).toEqual(['queued', 'rendering', 'done']);
    expect(fake.logs()).toContain('its place stays taken until the owner\'s next PDF frees it: database unreachable');
  });

  it('renders while the job is marked rendering, and announces rendering before done', async () => {
    const { fake, job } = withQueuedJob();
    const steps: string[] = [];
    const { markRendering } = fake.deps.jobs;
    fake.deps.jobs.markRendering = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      steps.push('marked rendering');
      return markRendering(...args);
    };
    const { render } = fake.deps.renderer;
    fake.deps.renderer.render = async (input) => {
      steps.push('render started');
      return render(input);
    };
    expect(await renderJob(fake.deps, job.jobId, 1)).toMatchObject({ outcome: 'done' });
    expect(steps).toEqual(['render started', 'marked rendering']);
    expect(fake.announced.map((event) => event.status)).toEqual(['rendering', 'done']);
  });

  it('settles the rendering state before a failed render is reported', async () => {
    const { fake, job } = withQueuedJob();
    let marked = false;
    const { markRendering } = fake.deps.jobs;
    fake.deps.jobs.markRendering = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      marked = true;
      return markRendering(...args);
    };
    fake.deps.renderer.render = async () => Promise.reject(new Error('Chromium crashed'));
    await expect(renderJob(fake.deps, job.jobId, 1)).rejects.toThrow('Chromium crashed');
    expect(marked).toBe(true);
    expect(fake.announced.map((event) => event.status)).toEqual(['rendering']);
  });

  it('renders on when its progress cannot be announced, and still announces it done', async () => {
    const { fake, job } = withQueuedJob();
    const publish = fake.deps.publishJobUpdated;
    fake.deps.publishJobUpdated = async (event) => (event.status === 'rendering' ? Promise.reject(new Error('NATS timeout')) : publish(event));
    expect(await renderJob(fake.deps, job.jobId, 1)).toMatchObject({ outcome: 'done' });
    expect(fake.announced.map((event) => event.status)).toEqual(['done']);
    expect(fake.logs()).toContain('could not announce it rendering: NATS timeout');
  });

  it('renders the snapshot the job was started with, without asking project-service again', async () => {
    const { fake, job } = withQueuedJob();
    await renderJob(fake.deps, job.jobId, 1, snapshotOf(1));
    expect(fake.calls.fetchSnapshot).toBe(0);
    expect(fake.renders).toHaveLength(1);
  });

  it('reuses a PDF already stored for the same content instead of rendering it again', async () => {
    const { fake, job } = withQueuedJob();
    const first = fake.addJob({ cacheKey: job.cacheKey });
    await renderJob(fake.deps, first.jobId, 1);
    const second = await renderJob(fake.deps, job.jobId, 1);
    expect(fake.renders).toHaveLength(1);
    expect(second).toMatchObject({ outcome: 'done', job: { fileId: job.cacheKey, pages: 12 } });
    expect(fake.logs()).toContain('reusing the PDF already stored');
  });

  it('skips a redelivered job that is already done or failed, and one that no longer exists', async () => {
    const { fake, job } = withQueuedJob();
    await renderJob(fake.deps, job.jobId, 1);
    expect(await renderJob(fake.deps, job.jobId, 2)).toEqual({ outcome: 'skipped', reason: 'the job is already done' });
    expect(await renderJob(fake.deps, 'gone', 1)).toEqual({ outcome: 'skipped', reason: 'the job no longer exists' });
    expect(fake.renders).toHaveLength(1);
    expect(fake.announced.map((event) => event.status)).toEqual(['rendering', 'done']);
  });

  it('fails for good (no retry) when the project is gone, and retries other failures', async () => {
    const { fake, job } = withQueuedJob();
    fake.projects.delete('p1');
    await expect(renderJob(fake.deps, job.jobId, 1)).rejects.toBeInstanceOf(PermanentJobError);
    fake.deps.fetchSnapshot = async () => Promise.reject(new Error('NATS timeout'));
    const retried = renderJob(fake.deps, job.jobId, 2);
    await expect(retried).rejects.toThrow('NATS timeout');
    await expect(retried).rejects.not.toBeInstanceOf(PermanentJobError);
  });

  it('logs a warning when the project has no answers (the PDF is a blank form)', async () => {
    const { fake, job } = withQueuedJob();
    fake.projects.set('p1', { ...snapshotOf(1), responses: [] });
    await renderJob(fake.deps, job.jobId, 1);
    expect(fake.logs()).toContain('has no answers');
  });
});

describe('failJob (domain, with fakes)', () => {
  it('records the job as failed with its reason and announces it', async () => {
    const { fake, job } = withQueuedJob();
    await failJob(fake.deps, job.jobId, 'Chromium crashed three times');
    expect(fake.jobs.get(job.jobId)).toMatchObject({ status: 'failed', error: 'Chromium crashed three times' });
    expect(fake.announced).toEqual([{ jobId: job.jobId, projectId: 'p1', ownerId: 'ana', status: 'failed', error: 'Chromium crashed three times' }]);
    expect(fake.counted).toEqual(['jobs failed']);
  });

  it('leaves a job that already finished alone and announces nothing', async () => {
    const { fake, job } = withQueuedJob();
    await renderJob(fake.deps, job.jobId, 1);
    await failJob(fake.deps, job.jobId, 'late failure');
    expect(fake.jobs.get(job.jobId)?.status).toBe('done');
    expect(fake.announced.map((event) => event.status)).toEqual(['rendering', 'done']);
  });
});

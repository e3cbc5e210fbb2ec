import { generatePdf } from '../../src/domain/generate-pdf';
import type { JobWaiting } from '../../src/domain/ports';
import { failJob, renderJob } from '../../src/domain/render-job';
import { snapshotCacheKey } from '../../src/domain/cache-key';
import { fakePdfDeps, snapshotOf } from './fake-pdf-deps';

/** A waiting like JobWaiter's: checks at once, then lets `meanwhile` happen (a worker on some replica) and checks again, as the finished event would. */
const waitingWhile = (meanwhile: (jobId: string) => Promise<unknown>): JobWaiting & { waits: number[] } => {
  const waits: number[] = [];
  return {
    waits,
    waitFor: async (jobId, timeoutMs, check) => {
      waits.push(timeoutMs);
      const atOnce = await check();
      if (atOnce !== undefined) return atOnce;
      await meanwhile(jobId);
      return check();
    },
  };
};

describe('generatePdf (domain, with fakes)', () => {
  it('answers the file when the PDF is rendered within the wait', async () => {
    const fake = fakePdfDeps();
    const waiting = waitingWhile((jobId) => renderJob(fake.deps, jobId, 1));
    const generated = await generatePdf(fake.deps, waiting, 'ana', 'p1', 25_000);
    expect(generated.ready).toBe(true);
    expect(generated.job.status).toBe('done');
    expect(generated.ready && generated.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(waiting.waits).toEqual([25_000]);
  });

  it('does not read a job it has just queued before its render is done', async () => {
    const fake = fakePdfDeps();
    let readsBeforeRender = -1;
    const waiting = waitingWhile(async (jobId) => {
      readsBeforeRender = fake.calls.find;
      await renderJob(fake.deps, jobId, 1);
    });
    expect((await generatePdf(fake.deps, waiting, 'ana', 'p1', 25_000)).ready).toBe(true);
    expect(readsBeforeRender).toBe(0);
  });

  it('answers a joined render that finished before the wait began, with no finished event to come', async () => {
    const fake = fakePdfDeps();
    const running = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'rendering' });
    const fetchSnapshot = fake.deps.fetchSnapshot;
    fake.deps.fetchSnapshot = async (projectId, userId) => {
      await renderJob(fake.deps, running.jobId, 1, snapshotOf(1)); // it finishes while this request reads the snapshot
      return fetchSnapshot(projectId, userId);
    };
    const waiting = waitingWhile(async () => {
      throw new Error('its finished event came before the wait began');
    });
    const generated = await generatePdf(fake.deps, waiting, 'ana', 'p1', 25_000);
    expect(generated.ready && generated.job.jobId).toBe(running.jobId);
  });

  it('hands back the job to poll when it is still running after the wait', async () => {
    const fake = fakePdfDeps();
    const generated = await generatePdf(fake.deps, waitingWhile(async () => undefined), 'ana', 'p1', 25_000);
    expect(generated).toEqual({ ready: false, job: expect.objectContaining({ status: 'queued', projectId: 'p1' }) });
    expect(fake.queued).toEqual([generated.job.jobId]);
  });

  it('answers a failed render with its reason, not a file', async () => {
    const fake = fakePdfDeps();
    const waiting = waitingWhile((jobId) => failJob(fake.deps, jobId, 'Rendering failed after 3 attempts: Chromium crashed'));
    await expect(generatePdf(fake.deps, waiting, 'ana', 'p1', 25_000)).rejects.toMatchObject({ detail: expect.stringContaining('Chromium crashed') });
  });

  it('does not wait for a PDF already stored', async () => {
    const fake = fakePdfDeps();
    const first = await generatePdf(fake.deps, waitingWhile((jobId) => renderJob(fake.deps, jobId, 1)), 'ana', 'p1', 25_000);
    const waiting = waitingWhile(async () => undefined);
    const second = await generatePdf(fake.deps, waiting, 'ana', 'p1', 25_000);
    expect(second.ready && second.job.jobId).toBe(first.job.jobId);
    expect(waiting.waits).toEqual([]);
  });
});

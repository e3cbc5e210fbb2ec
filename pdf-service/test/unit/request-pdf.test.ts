import { snapshotCacheKey } from '../../src/domain/cache-key';
import { requestPdf } from '../../src/domain/request-pdf';
import { DAY_MS, fakePdfDeps, snapshotOf } from './fake-pdf-deps';

const MINUTE_MS = 60 * 1000;

describe('requestPdf (domain, with fakes)', () => {
  it('queues a new job for content never rendered, with the snapshot, and counts a cache miss', async () => {
    const fake = fakePdfDeps();
    const before = Date.now();
    const { job, cached, queued } = await requestPdf(fake.deps, 'ana', 'p1', 'req-1');
    const after = Date.now();
    expect(cached).toBe(false);
    expect(queued).toBe(true);
    expect(job).toMatchObject({ status: 'queued', projectId: 'p1', ownerId: 'ana', projectName: 'Clinic visits', cacheKey: snapshotCacheKey(snapshotOf(1)) });
    expect(job.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY_MS); // kept PDF_RETENTION_DAYS
    expect(job.expiresAt.getTime()).toBeLessThanOrEqual(after + 7 * DAY_MS);
    expect(fake.queued).toEqual([job.jobId]);
    expect(fake.announced).toEqual([{ jobId: job.jobId, projectId: 'p1', ownerId: 'ana', status: 'queued' }]);
    expect(fake.counted).toEqual(['cache miss']);
    // The snapshot has the versions' key, already looked up: the job store is not asked twice.
    expect(fake.calls).toMatchObject({ fetchVersion: 1, fetchSnapshot: 1, findLatestForKey: 1 });
  });

  it('serves a stored PDF from the versions alone, without reading the answers or queueing', async () => {
    const fake = fakePdfDeps();
    const stored = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'done', fileId: 'f1' });
    const outcome = await requestPdf(fake.deps, 'ana', 'p1');
    expect(outcome).toEqual({ job: stored, cached: true, queued: false });
    expect(fake.calls).toMatchObject({ fetchVersion: 1, fetchSnapshot: 0, findLatestForKey: 1 });
    expect(fake.queued).toEqual([]);
    expect(fake.announced).toEqual([]);
    expect(fake.counted).toEqual(['cache hit']);
  });

  it('renders again once the content changed', async () => {
    const fake = fakePdfDeps();
    fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'done', fileId: 'f1' });
    fake.projects.set('p1', snapshotOf(2));
    const { job, cached } = await requestPdf(fake.deps, 'ana', 'p1');
    expect(cached).toBe(false);
    expect(job.cacheKey).toBe(snapshotCacheKey(snapshotOf(2)));
  });

  it('uses the snapshot\'s own key when a save lands between reading the versions and the snapshot', async () => {
    const fake = fakePdfDeps();
    const rendered = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(2)), status: 'done', fileId: 'f2' });
    fake.deps.fetchVersion = async () => ({ catalogVersion: 'catalog-1', contentVersion: 1 }); // read before the save
    fake.projects.set('p1', snapshotOf(2));
    expect(await requestPdf(fake.deps, 'ana', 'p1')).toEqual({ job: rendered, cached: true, queued: false });
    expect(fake.calls.findLatestForKey).toBe(2);
  });

  it('gives a member another member’s stored PDF as a job of their own, done at once with the same file', async () => {
    const fake = fakePdfDeps();
    fake.members.set('p1', ['ben']);
    const stored = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'done', fileId: 'f1', pages: 3, bytes: 900 });
    const { job, cached } = await requestPdf(fake.deps, 'ben', 'p1', 'req-ben');
    expect(cached).toBe(true);
    expect(job.jobId).not.toBe(stored.jobId);
    expect(job).toMatchObject({ ownerId: 'ben', status: 'done', fileId: 'f1', pages: 3, bytes: 900, cacheKey: stored.cacheKey, expiresAt: stored.expiresAt });
    expect(fake.jobs.get(stored.jobId)?.ownerId).toBe('ana');
    expect(fake.queued).toEqual([]);
    await expect(requestPdf(fake.deps, 'stranger', 'p1')).rejects.toMatchObject({ status: 404 });
  });

  it('starts a member’s own job rather than joining another member’s render in progress', async () => {
    const fake = fakePdfDeps();
    fake.members.set('p1', ['ben']);
    const running = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'rendering' }, 2 * MINUTE_MS);
    const { job } = await requestPdf(fake.deps, 'ben', 'p1');
    expect(job.jobId).not.toBe(running.jobId);
    expect(job).toMatchObject({ ownerId: 'ben', status: 'queued' });
    expect(fake.queued).toEqual([job.jobId]);
  });

  it('joins a render already in progress for the same content instead of starting another', async () => {
    const fake = fakePdfDeps();
    const running = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'rendering' }, 2 * MINUTE_MS);
    expect(await requestPdf(fake.deps, 'ana', 'p1')).toEqual({ job: running, cached: false, queued: false });
    expect(fake.queued).toEqual([]);
  });

  it('starts over when the job in progress is older than ten minutes (presumed lost)', async () => {
    const fake = fakePdfDeps();
    const lost = fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'queued' }, 11 * MINUTE_MS);
    const { job } = await requestPdf(fake.deps, 'ana', 'p1');
    expect(job.jobId).not.toBe(lost.jobId);
    expect(fake.queued).toEqual([job.jobId]);
  });

  it('renders again when the stored PDF has expired', async () => {
    const fake = fakePdfDeps();
    fake.addJob({ cacheKey: snapshotCacheKey(snapshotOf(1)), status: 'done', fileId: 'f1', expiresAt: new Date(Date.now() - 1) });
    expect((await requestPdf(fake.deps, 'ana', 'p1')).cached).toBe(false);
    expect(fake.queued).toHaveLength(1);
  });

  it('marks the job failed when it cannot be queued, so the next request starts a new one', async () => {
    const fake = fakePdfDeps();
    fake.failures.enqueue = true;
    await expect(requestPdf(fake.deps, 'ana', 'p1')).rejects.toThrow('no JetStream');
    const [job] = fake.jobs.values();
    expect(job).toMatchObject({ status: 'failed', error: 'The job could not be queued' });
    expect(fake.announced.map((event) => event.status)).toEqual(['queued', 'failed']);
    fake.failures.enqueue = false;
    expect((await requestPdf(fake.deps, 'ana', 'p1')).job.jobId).not.toBe(job!.jobId);
  });

  it('answers a queue failure at once when announcing the failure hangs too (NATS is down), the job failed and its place free', async () => {
    const fake = fakePdfDeps();
    fake.failures.enqueue = true;
    const publish = fake.deps.publishJobUpdated;
    fake.deps.publishJobUpdated = (event) => (event.status === 'failed' ? new Promise<void>(() => undefined) : publish(event));
    await expect(requestPdf(fake.deps, 'ana', 'p1')).rejects.toThrow('no JetStream');
    const [job] = fake.jobs.values();
    expect(job).toMatchObject({ status: 'failed' });
    expect(fake.slots.size).toBe(0);
  });

  it('answers 404 for a project that is not the caller\'s and creates no job', async () => {
    const fake = fakePdfDeps();
    await expect(requestPdf(fake.deps, 'bob', 'p1')).rejects.toMatchObject({ status: 404 });
    expect(fake.jobs.size).toBe(0);
  });

  it('answers 429 to an owner with 3 jobs in progress, while another owner still gets a job', async () => {
    const fake = fakePdfDeps();
    for (const id of ['p2', 'p3', 'p4']) fake.projects.set(id, snapshotOf(1, id));
    fake.projects.set('b1', snapshotOf(1, 'b1', 'bob'));
    for (const id of ['p1', 'p2', 'p3']) await expect(requestPdf(fake.deps, 'ana', id)).resolves.toMatchObject({ cached: false, job: { status: 'queued' } });
    await expect(requestPdf(fake.deps, 'ana', 'p4')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 5 });
    expect(fake.queued).toHaveLength(3);
    await expect(requestPdf(fake.deps, 'bob', 'b1')).resolves.toMatchObject({ cached: false });
    // Joining a render in progress or a stored PDF needs no place.
    await expect(requestPdf(fake.deps, 'ana', 'p1')).resolves.toMatchObject({ cached: false, job: { status: 'queued' } });
  });

  it("takes a place this process's jobs do not hold at the first try, the held ones being tried last", async () => {
    const fake = fakePdfDeps();
    for (const id of ['p2', 'p3']) fake.projects.set(id, snapshotOf(1, id));
    const claimed: number[] = [];
    const claim = fake.deps.jobSlots.claim;
    fake.deps.jobSlots.claim = (ownerId, slot, jobId) => (claimed.push(slot), claim(ownerId, slot, jobId));
    for (const id of ['p1', 'p2', 'p3']) await requestPdf(fake.deps, 'ana', id);
    expect(claimed).toEqual([0, 1, 2]);
    expect(fake.calls.find).toBe(0); // no holder was looked up
  });

  it('gives the place of a finished, failed or vanished job to the next one', async () => {
    const fake = fakePdfDeps();
    for (const id of ['p2', 'p3', 'p4']) fake.projects.set(id, snapshotOf(1, id));
    const jobs = [];
    for (const id of ['p1', 'p2', 'p3']) jobs.push((await requestPdf(fake.deps, 'ana', id)).job);
    fake.jobs.get(jobs[1]!.jobId)!.status = 'done';
    const next = await requestPdf(fake.deps, 'ana', 'p4');
    expect(fake.slots.get('ana#1')).toBe(next.job.jobId);
    fake.jobs.delete(jobs[0]!.jobId);
    fake.projects.set('p4', snapshotOf(2, 'p4'));
    const after = await requestPdf(fake.deps, 'ana', 'p4');
    expect(fake.slots.get('ana#0')).toBe(after.job.jobId);
  });
});

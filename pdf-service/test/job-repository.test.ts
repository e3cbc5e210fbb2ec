import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';
import { createJobRepository } from '../src/data/job-repository';
import { createJobSlots } from '../src/data/job-slots';

describe('the PDF job store against the real database', () => {
  let db: MongoHandle;
  beforeAll(async () => {
    db = await connectMongo({ url: testMongoUrl(), dbName: uniqueDbName('pdf_jobs'), logger: createCapturingLogger('test-db').logger });
  });
  afterAll(async () => {
    await db?.connection.dropDatabase();
    await db?.close();
  });

  const job = (jobId: string, cacheKey: string, minutesAgo: number, status = 'done') => ({
    _id: jobId,
    projectId: 'p',
    ownerId: 'o',
    projectName: 'P',
    cacheKey,
    status,
    attempts: 1,
    createdAt: new Date(Date.now() - minutesAgo * 60_000),
    updatedAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
  });

  it('finds the newest job of a cache key, including jobs stored before the key index existed', async () => {
    // As an earlier version left them: jobs only, no pdf_jobs_by_key.
    await db.connection.collection<ReturnType<typeof job>>('pdf_jobs').insertMany([job('old', 'k1', 30), job('newer', 'k1', 10), job('other', 'k2', 5, 'failed')]);
    const jobs = await createJobRepository(db.connection);
    expect((await jobs.findLatestForKey('k1', ['done']))?.jobId).toBe('newer');
    expect(await jobs.findLatestForKey('k2', ['done', 'queued', 'rendering'])).toBeUndefined(); // its newest failed

    const created = await jobs.create({ jobId: 'newest', projectId: 'p', ownerId: 'o', projectName: 'P', cacheKey: 'k1', expiresAt: new Date(Date.now() + 60_000) });
    expect((await jobs.findLatestForKey('k1', ['queued']))?.jobId).toBe(created.jobId);
    // A done job of the same content still stands for it (its PDF is as good as the newer job's will be).
    expect((await jobs.findLatestForKey('k1', ['done']))?.jobId).toBe('newer');

    await jobs.deleteWhere({ projectId: 'p' });
    expect(await jobs.findLatestForKey('k1', ['done', 'queued'])).toBeUndefined();
    expect(await db.connection.collection('pdf_jobs_by_key').countDocuments()).toBe(0);
  });

  it('stores a job held for its request as its first attempt, rendering, and ends the hold when the job goes back to the queue', async () => {
    const jobs = await createJobRepository(db.connection);
    const heldUntil = new Date(Date.now() + 70_000);
    const created = await jobs.create({ jobId: 'held', projectId: 'h', ownerId: 'o', projectName: 'P', cacheKey: 'kh', expiresAt: new Date(Date.now() + 60_000), heldUntil });
    expect(created).toMatchObject({ status: 'rendering', attempts: 1, heldUntil });
    expect(await jobs.find('held')).toMatchObject({ status: 'rendering', attempts: 1, heldUntil });
    await jobs.markRetrying('held', 'Rendering failed: Chromium crashed');
    const handedBack = await jobs.find('held');
    expect(handedBack).toMatchObject({ status: 'queued', error: 'Rendering failed: Chromium crashed' });
    expect(handedBack?.heldUntil).toBeUndefined();
    await jobs.deleteWhere({ projectId: 'h' });
  });

  it('stores 10 jobs of one cache key created at the same moment (two renders asked for at once), none failing', async () => {
    const jobs = await createJobRepository(db.connection);
    const created = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => jobs.create({ jobId: `race-${i}`, projectId: 'race', ownerId: 'o', projectName: 'P', cacheKey: 'race-key', expiresAt: new Date(Date.now() + 60_000) })),
    );
    expect(created.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect((await jobs.findLatestForKey('race-key', ['queued']))?.jobId).toMatch(/^race-\d$/);
  });

  it('finds a done job it has seen, by key or id, without reading the database, and forgets it once deleted or expired', async () => {
    const jobs = await createJobRepository(db.connection);
    const stored = db.connection.collection<ReturnType<typeof job>>('pdf_jobs');
    const created = await jobs.create({ jobId: 'seen', projectId: 'seen-p', ownerId: 'o', projectName: 'P', cacheKey: 'seen-key', expiresAt: new Date(Date.now() + 60_000) });
    await jobs.markDone(created, { fileId: 'f', cacheKey: 'seen-key', pages: 1, bytes: 10, expiresAt: new Date(Date.now() + 60_000) });
    // Behind the repository's back: only a read of the database would notice.
    await stored.updateOne({ _id: 'seen' }, { $set: { projectName: 'changed in the database' } });
    expect(await jobs.findLatestForKey('seen-key', ['done'])).toMatchObject({ jobId: 'seen', projectName: 'P', status: 'done' });
    // By its id too: what a request waiting for this render reads when woken by `done`.
    expect(await jobs.find('seen')).toMatchObject({ jobId: 'seen', projectName: 'P', status: 'done', fileId: 'f' });

    await jobs.deleteWhere({ projectId: 'seen-p' });
    expect(await jobs.findLatestForKey('seen-key', ['done'])).toBeUndefined();
    expect(await jobs.find('seen')).toBeUndefined();

    const brief = await jobs.create({ jobId: 'brief', projectId: 'brief-p', ownerId: 'o', projectName: 'P', cacheKey: 'brief-key', expiresAt: new Date(Date.now() + 300) });
    await jobs.markDone(brief, { fileId: 'f', cacheKey: 'brief-key', pages: 1, bytes: 10, expiresAt: new Date(Date.now() + 300) });
    await stored.updateOne({ _id: 'brief' }, { $set: { projectName: 'read from the database' } });
    expect((await jobs.find('brief'))?.projectName).toBe('P');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await jobs.find('brief'))?.projectName).toBe('read from the database'); // expired: no longer remembered

    await stored.insertOne({ ...job('short', 'short-key', 0), expiresAt: new Date(Date.now() + 300) });
    await db.connection.collection('pdf_jobs_by_key').insertOne({ _id: 'short-key' as never, jobId: 'short' });
    expect((await jobs.findLatestForKey('short-key', ['done']))?.jobId).toBe('short');
    await stored.deleteOne({ _id: 'short' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await jobs.findLatestForKey('short-key', ['done'])).toBeUndefined();
  });

  it("knows which of an owner's places its own jobs hold, and no longer once a job frees its place", async () => {
    const here = createJobSlots(db.connection);
    const elsewhere = createJobSlots(db.connection); // another replica
    expect(await here.claim('ana', 0, 'job-a')).toEqual({ claimed: true });
    expect(await elsewhere.claim('ana', 1, 'job-b')).toEqual({ claimed: true });
    expect(await here.claim('ana', 1, 'job-c')).toEqual({ claimed: false, heldBy: 'job-b' });
    expect([...here.takenHere('ana')]).toEqual([0]);
    expect([...elsewhere.takenHere('ana')]).toEqual([1]);
    expect([...here.takenHere('bob')]).toEqual([]);

    await here.free('ana', 0, 'another-job'); // not the holder: nothing changes
    expect([...here.takenHere('ana')]).toEqual([0]);
    await here.free('ana', 0, 'job-a');
    expect([...here.takenHere('ana')]).toEqual([]);
    expect(await elsewhere.claim('ana', 0, 'job-d')).toEqual({ claimed: true });
  });
});

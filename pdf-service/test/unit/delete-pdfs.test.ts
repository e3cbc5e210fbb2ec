import { deletePdfsOf, expirePdfs } from '../../src/domain/delete-pdfs';
import { DAY_MS, fakePdfDeps } from './fake-pdf-deps';

/** Stores a PDF under `key` for project/owner, expiring at `expiresAt`. */
async function store(fake: ReturnType<typeof fakePdfDeps>, key: string, projectId: string, ownerId: string, expiresAt: Date) {
  await fake.deps.files.save(key, Buffer.from('%PDF'), { projectId, ownerId, pages: 1, expiresAt });
}

describe('deleting PDFs (domain, with fakes)', () => {
  it('removes every job and stored PDF of a project, also a PDF no job points at any more, and no other project\'s', async () => {
    const fake = fakePdfDeps();
    const later = new Date(Date.now() + DAY_MS);
    await store(fake, 'k1', 'p1', 'ana', later);
    await store(fake, 'orphan', 'p1', 'ana', later);
    await store(fake, 'k2', 'p2', 'ana', later);
    fake.addJob({ cacheKey: 'k1', status: 'done', fileId: 'k1' });
    fake.addJob({ cacheKey: 'k1', status: 'done', fileId: 'k1' });
    fake.addJob({ cacheKey: 'k2', projectId: 'p2', status: 'done', fileId: 'k2' });

    expect(await deletePdfsOf(fake.deps, { projectId: 'p1' })).toBe(2);
    expect([...fake.files.keys()]).toEqual(['k2']);
    expect([...fake.jobs.values()].map((job) => job.projectId)).toEqual(['p2']);
    expect(fake.logs()).toContain('deleted 2 stored PDF(s) of project p1');
  });

  it('removes everything of a deleted user across projects, and is harmless when run again', async () => {
    const fake = fakePdfDeps();
    await store(fake, 'k1', 'p1', 'ana', new Date(Date.now() + DAY_MS));
    await store(fake, 'k2', 'p2', 'ana', new Date(Date.now() + DAY_MS));
    await store(fake, 'k3', 'p3', 'bob', new Date(Date.now() + DAY_MS));
    fake.addJob({ cacheKey: 'k3', projectId: 'p3', ownerId: 'bob' });
    expect(await deletePdfsOf(fake.deps, { ownerId: 'ana' })).toBe(2);
    expect(await deletePdfsOf(fake.deps, { ownerId: 'ana' })).toBe(0);
    expect([...fake.files.keys()]).toEqual(['k3']);
    expect(fake.jobs.size).toBe(1);
  });

  it('keeps a deleted user’s PDF of a shared project while another member’s job points at it', async () => {
    const fake = fakePdfDeps();
    await store(fake, 'k1', 'p1', 'ana', new Date(Date.now() + DAY_MS));
    await store(fake, 'k2', 'p2', 'ana', new Date(Date.now() + DAY_MS));
    fake.addJob({ cacheKey: 'k1', status: 'done', fileId: 'k1' });
    const bens = fake.addJob({ cacheKey: 'k1', ownerId: 'ben', status: 'done', fileId: 'k1' });
    expect(await deletePdfsOf(fake.deps, { ownerId: 'ana' })).toBe(1);
    expect([...fake.files.keys()]).toEqual(['k1']);
    expect([...fake.jobs.values()]).toEqual([bens]);
  });

  it('expires jobs and PDFs past retention but keeps a PDF a newer, unexpired job still shares', async () => {
    const fake = fakePdfDeps();
    const now = new Date();
    const past = new Date(now.getTime() - 1);
    const future = new Date(now.getTime() + DAY_MS);
    await store(fake, 'shared', 'p1', 'ana', future);
    await store(fake, 'old', 'p1', 'ana', past);
    fake.addJob({ cacheKey: 'shared', status: 'done', fileId: 'shared', expiresAt: past });
    const newer = fake.addJob({ cacheKey: 'shared', status: 'done', fileId: 'shared', expiresAt: future });

    expect(await expirePdfs(fake.deps, now)).toBe(1);
    expect([...fake.files.keys()]).toEqual(['shared']);
    expect([...fake.jobs.keys()]).toEqual([newer.jobId]);
    expect(fake.logs()).toContain('removed 1 expired PDF(s)');
  });

  it('removes a PDF whose only job expired', async () => {
    const fake = fakePdfDeps();
    const now = new Date();
    await store(fake, 'k1', 'p1', 'ana', new Date(now.getTime() + DAY_MS));
    fake.addJob({ cacheKey: 'k1', status: 'done', fileId: 'k1', expiresAt: new Date(now.getTime() - 1) });
    expect(await expirePdfs(fake.deps, now)).toBe(1);
    expect(fake.files.size).toBe(0);
  });
});

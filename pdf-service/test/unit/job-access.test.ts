import { publicOpenApiDocument } from '@playbook/contract';
import { findOwnedJob, pdfFileName, readJobPdf, toJobView } from '../../src/domain/job-access';
import { fakePdfDeps } from './fake-pdf-deps';

describe('job access (domain, with fakes)', () => {
  it('finds the caller\'s job and answers 404, never 403, for someone else\'s or an unknown one', async () => {
    const fake = fakePdfDeps();
    const job = fake.addJob({ cacheKey: 'k1' });
    await expect(findOwnedJob(fake.deps, 'ana', job.jobId)).resolves.toEqual(job);
    await expect(findOwnedJob(fake.deps, 'bob', job.jobId)).rejects.toMatchObject({ status: 404 });
    await expect(findOwnedJob(fake.deps, 'ana', 'unknown')).rejects.toMatchObject({ status: 404 });
  });

  it('answers 409 while the PDF is rendering, 503 with Retry-After when it failed, 404 once the file is gone', async () => {
    const fake = fakePdfDeps();
    await expect(readJobPdf(fake.deps, fake.addJob({ cacheKey: 'k1', status: 'rendering' }))).rejects.toMatchObject({ status: 409, message: expect.stringContaining('rendering') });
    await expect(readJobPdf(fake.deps, fake.addJob({ cacheKey: 'k2', status: 'failed', error: 'timed out' }))).rejects.toMatchObject({ status: 503, detail: 'timed out', retryAfterSeconds: 30 });
    await expect(readJobPdf(fake.deps, fake.addJob({ cacheKey: 'k3', status: 'done', fileId: 'expired' }))).rejects.toMatchObject({ status: 404 });
    // …and the OpenAPI document says so (the fuzzer found a 409 it did not list).
    const documented = Object.keys((publicOpenApiDocument() as { paths: Record<string, { get: { responses: object } }> }).paths['/api/pdf/jobs/{jobId}/file']!.get.responses);
    expect(documented).toEqual(expect.arrayContaining(['404', '409', '503']));
  });

  it('gives the stored bytes of a finished job', async () => {
    const fake = fakePdfDeps();
    await fake.deps.files.save('k1', Buffer.from('%PDF'), { projectId: 'p1', ownerId: 'ana', pages: 1, expiresAt: new Date(Date.now() + 1000) });
    expect((await readJobPdf(fake.deps, fake.addJob({ cacheKey: 'k1', status: 'done', fileId: 'k1' }))).toString()).toBe('%PDF');
  });

  it('shows the file link and size only when done, and the error only when failed', () => {
    const fake = fakePdfDeps();
    const done = toJobView(fake.addJob({ cacheKey: 'k1', status: 'done', fileId: 'k1', pages: 3, bytes: 999, error: 'an earlier attempt failed' }));
    expect(done).toMatchObject({ status: 'done', fileUrl: expect.stringMatching(/^\/api\/pdf\/jobs\/job-\d+\/file$/), pages: 3, bytes: 999 });
    expect(done).not.toHaveProperty('error');
    const failed = toJobView(fake.addJob({ cacheKey: 'k2', status: 'failed', error: 'timed out' }));
    expect(failed).toMatchObject({ status: 'failed', error: 'timed out' });
    expect(failed).not.toHaveProperty('fileUrl');
    expect(toJobView(fake.addJob({ cacheKey: 'k3', status: 'queued' }))).not.toHaveProperty('fileUrl');
  });

  it('names the download after the project, without characters that break file names or headers', () => {
    expect(pdfFileName('Clinic visits')).toBe('Clinic visits-playbook.pdf');
    expect(pdfFileName('a/b\\c:"d"\r\nInjected: 1')).toBe('a-b-c-d-Injected- 1-playbook.pdf');
    expect(pdfFileName('   ')).toBe('project-playbook.pdf');
    expect(pdfFileName('x'.repeat(200))).toHaveLength(80 + '-playbook.pdf'.length);
  });
});

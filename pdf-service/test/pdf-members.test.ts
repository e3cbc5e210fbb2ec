import { eventually, startPdfStack, type PdfStack } from './support/pdf-stack';
import { sampleResponses } from './support/sample-project';

interface JobView {
  jobId: string;
  status: string;
}

describe('PDFs of a project with members (real NATS, project-service and Chromium)', () => {
  let stack: PdfStack;
  const token = (userId: string) => stack.tokenFor(userId);

  beforeAll(async () => {
    stack = await startPdfStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  const requestPdf = (userId: string, projectId: string) => stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, token(userId));
  const jobOf = (userId: string, jobId: string) => stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, token(userId));
  const addMember = async (projectId: string, ownerId: string, userId: string, role: 'editor' | 'viewer') => {
    const added = await stack.projectsApi('POST', `/api/projects/${projectId}/members`, token(ownerId), { email: `${userId}@example.com`, role });
    expect(added.status).toBe(201);
  };

  it('renders for any member, keeps each job its requester’s, and answers 404 to anyone else', async () => {
    const projectId = await stack.createProject(token('maya'), 'Shared study', sampleResponses(3));
    await addMember(projectId, 'maya', 'vera', 'viewer');

    const started = await requestPdf('vera', projectId);
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as JobView;
    await eventually(async () => ((await (await jobOf('vera', jobId)).json()) as JobView).status === 'done' || undefined);
    const file = await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}/file`, token('vera'));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('application/pdf');

    // The owner gets the stored PDF as a job of her own; neither sees the other's job.
    const owners = await requestPdf('maya', projectId);
    expect(owners.status).toBe(200);
    const ownJob = (await owners.json()) as JobView;
    expect(ownJob).toMatchObject({ status: 'done' });
    expect(ownJob.jobId).not.toBe(jobId);
    expect((await stack.pdfApi('GET', `/api/pdf/jobs/${ownJob.jobId}/file`, token('maya'))).status).toBe(200);
    expect((await jobOf('maya', jobId)).status).toBe(404);
    expect((await jobOf('vera', ownJob.jobId)).status).toBe(404);

    expect((await requestPdf('nico', projectId)).status).toBe(404);
    expect((await stack.projectsApi('DELETE', `/api/projects/${projectId}/members/vera`, token('maya'))).status).toBe(204);
    expect((await requestPdf('vera', projectId)).status).toBe(404);
  });
});

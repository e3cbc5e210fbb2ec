import { startPdfStack, type PdfStack } from './support/pdf-stack';
import { sampleResponses } from './support/sample-project';

/*
 * No worker in this stack (PDF_WORKER_ENABLED=false): jobs stay queued, so "in progress" does not depend on
 * how fast Chromium renders on this machine.
 */
describe('PDF jobs in progress per user', () => {
  let stack: PdfStack;
  beforeAll(async () => {
    stack = await startPdfStack({ PDF_WORKER_ENABLED: 'false' });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('answers 429 with Retry-After to a user past 3 queued jobs, while another user still gets 202', async () => {
    const ada = stack.tokenFor('ada-jobs');
    const bob = stack.tokenFor('bob-jobs');
    const projects = [];
    for (let i = 0; i < 4; i++) projects.push(await stack.createProject(ada, `Project ${i}`, sampleResponses(2)));
    const bobsProject = await stack.createProject(bob, 'Bob\'s', sampleResponses(2));
    for (const id of projects.slice(0, 3)) expect((await stack.pdfApi('POST', `/api/projects/${id}/pdf`, ada)).status).toBe(202);
    const fourth = await stack.pdfApi('POST', `/api/projects/${projects[3]}/pdf`, ada);
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('retry-after')).toBe('5');
    expect(await fourth.json()).toMatchObject({ status: 429, detail: expect.stringContaining('3 of your PDFs are being made already') });
    expect((await stack.pdfApi('POST', `/api/projects/${bobsProject}/pdf`, bob)).status).toBe(202);
    // Asking again for a PDF already in progress joins it: no new place needed.
    expect((await stack.pdfApi('POST', `/api/projects/${projects[0]}/pdf`, ada)).status).toBe(202);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listPlaybookFields, USER_DELETED_SUBJECT } from '@playbook/contract';
import { publishEvent } from '@playbook/kit/nats';
import { eventually, inspectPdf, startPdfStack, wordsOf, type PdfStack } from './support/pdf-stack';
import { sampleResponses } from './support/sample-project';
import { playbookCatalog } from '../../project-service/src/domain/playbook-catalog';

const metricValue = async (stack: PdfStack, name: string, labels = ''): Promise<number> => {
  const text = await (await fetch(`${stack.pdf.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`) && row.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
};

// Each renders real PDFs in Chromium and reads them back: allow for a machine busy with other suites.
const RENDER_TEST_TIMEOUT_MS = 90_000;

describe('pdf-service with real NATS, project-service, database and Chromium', () => {
  let stack: PdfStack;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    stack = await startPdfStack();
    ada = stack.tokenFor('ada');
    bob = stack.tokenFor('bob');
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  const generate = (token: string, projectId: string) => stack.pdfApi('POST', '/api/generate-pdf', token, { project_id: projectId });
  const pdfBytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());

  it('prints every field label and every answer, with outline, title and "page X of Y"', async () => {
    const responses = sampleResponses();
    const projectId = await stack.createProject(ada, 'Library welcome — Bibliothèque 図書館', responses, 'First minute in the library');
    const response = await generate(ada, projectId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain('-playbook.pdf');
    const { text, info, raw } = await inspectPdf(await pdfBytes(response));

    for (const { field } of listPlaybookFields(playbookCatalog)) expect(text).toContain(field.label);
    // pdftotext splits the Arabic lam-alef ligature into the wrong order, so those words are checked by eye (docs/).
    for (const { value } of responses) for (const word of wordsOf(value).filter((w) => !w.includes('لا'))) expect(text).toContain(word);
    for (const glyphs of ['Zürich', 'Hélène', '李娜', 'مرحبا', 'נועה', '🎉', '📚', 'Łódź']) expect(text).toContain(glyphs);
    expect(text).toMatch(/Page 1 of \d+/);
    expect(info.Title).toBe('Library welcome — Bibliothèque 図書館 — Design Thinking Playbook');
    expect(info['Page size']).toContain('(A4)');
    expect(Number(info.Pages)).toBeGreaterThan(10);
    // The outline: one bookmark per phase (h1) and section (h2).
    expect(raw).toMatch(/\/Outlines \d+ 0 R/);
    for (const phase of playbookCatalog.phases) expect(raw).toContain(`/Title (${phase.title})`);

    const line = stack.logs.lines().find((entry) => String(entry.message).startsWith('rendered job'));
    expect(line).toMatchObject({ responses: 25, fieldsWithData: 25, fields: listPlaybookFields(playbookCatalog).length });
    expect(line?.requestId).toEqual(expect.any(String));
    expect(line?.pages).toBe(Number(info.Pages));
  }, RENDER_TEST_TIMEOUT_MS);

  it('serves unchanged content from the store without a render, and renders again when one answer changes', async () => {
    const projectId = await stack.createProject(ada, 'Cache check', sampleResponses(5));
    const first = await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, ada);
    expect(first.status).toBe(202);
    const { jobId } = (await first.json()) as { jobId: string };
    const done = await eventually(async () => {
      const job = (await (await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, ada)).json()) as { status: string; pages?: number; fileUrl?: string };
      return job.status === 'done' ? job : undefined;
    });
    expect(done.fileUrl).toBe(`/api/pdf/jobs/${jobId}/file`);
    const rendersBefore = await metricValue(stack, 'pdf_render_duration_seconds_count', 'outcome="ok"');
    const hitsBefore = await metricValue(stack, 'pdf_cache_requests_total', 'result="hit"');

    const again = await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, ada);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ jobId, status: 'done' });
    const file = await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}/file`, ada);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="Cache check-playbook.pdf"');
    expect(await metricValue(stack, 'pdf_cache_requests_total', 'result="hit"')).toBe(hitsBefore + 1);
    expect(await metricValue(stack, 'pdf_render_duration_seconds_count', 'outcome="ok"')).toBe(rendersBefore);

    const firstField = sampleResponses(1)[0]!;
    await stack.saveAnswers(ada, projectId, [{ fieldId: firstField.fieldId, value: 'A brand-new answer' }]);
    const changed = await generate(ada, projectId);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('x-pdf-job-id')).not.toBe(jobId);
    expect((await inspectPdf(await pdfBytes(changed))).text).toContain('A brand-new answer');
    expect(await metricValue(stack, 'pdf_render_duration_seconds_count', 'outcome="ok"')).toBe(rendersBefore + 1);
  }, RENDER_TEST_TIMEOUT_MS);

  it('flows long answers across more pages without losing text', async () => {
    const short = await stack.createProject(ada, 'Short answers', sampleResponses(3));
    const shortPdf = await inspectPdf(await pdfBytes(await generate(ada, short)));
    const notes = listPlaybookFields(playbookCatalog).find(({ field }) => field.maxLength >= 20_000)!.field;
    const paragraphs = Array.from({ length: 60 }, (_, index) => `Paragraph ${index + 1}: the visitor walked to the desk, hesitated, and left.`).join('\n\n');
    const long = await stack.createProject(ada, 'Long answers', [...sampleResponses(3), { fieldId: notes.id, value: paragraphs }]);
    const longPdf = await inspectPdf(await pdfBytes(await generate(ada, long)));
    expect(Number(longPdf.info.Pages)).toBeGreaterThan(Number(shortPdf.info.Pages) + 2);
    expect(longPdf.text).toContain('Paragraph 1:');
    expect(longPdf.text).toContain('Paragraph 60: the visitor walked to the desk, hesitated, and left.');
  }, RENDER_TEST_TIMEOUT_MS);

  it('prints an empty project with a banner and logs a warning', async () => {
    const projectId = await stack.createProject(ada, 'Nothing yet', []);
    const response = await generate(ada, projectId);
    expect(response.status).toBe(200);
    const { text } = await inspectPdf(await pdfBytes(response));
    expect(text).toContain('This playbook is empty.');
    expect(text).toContain('0 of 106 fields answered');
    expect(stack.logs.lines().some((line) => line.level === 'warn' && String(line.message).includes(`project ${projectId} has no answers`))).toBe(true);
  }, RENDER_TEST_TIMEOUT_MS);

  describe('answers are untrusted', () => {
    let listener: Server;
    let hits: string[];
    let port: number;

    beforeAll(async () => {
      hits = [];
      listener = createServer((request, response) => {
        hits.push(request.url ?? '');
        response.end('x');
      });
      // A bare connection (a preconnect) would already tell an attacker the document was opened.
      listener.on('connection', () => hits.push('(connection)'));
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      port = (listener.address() as AddressInfo).port;
    });
    afterAll(async () => {
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    });

    it('prints markup literally and the renderer fetches nothing', async () => {
      const base = `http://127.0.0.1:${port}`;
      const attacks = [
        `<script>fetch('${base}/script')</script>`,
        `<img src="${base}/img">`,
        `<iframe src="file:///etc/passwd"></iframe>`,
        `<link rel=stylesheet href="${base}/css">`,
        `<style>body { background: url(${base}/style-url) }</style>`,
        `<div style="background-image: url('${base}/inline-url')">x</div>`,
      ];
      const fields = listPlaybookFields(playbookCatalog).filter(({ field }) => field.type === 'longText');
      const responses = attacks.map((value, index) => ({ fieldId: fields[index]!.field.id, value }));
      const projectId = await stack.createProject(ada, `<img src="${base}/name">`, responses, `<link rel=stylesheet href="${base}/description">`);
      const response = await generate(ada, projectId);
      expect(response.status).toBe(200);
      const { text } = await inspectPdf(await pdfBytes(response));
      for (const attack of attacks) expect(text).toContain(attack);
      expect(text).not.toContain('root:x:0:0');
      expect(hits).toEqual([]);
    });

    it('blocks requests even from raw, unescaped HTML (file:, loopback, CSS url())', async () => {
      const base = `http://127.0.0.1:${port}`;
      const html = `<!doctype html><title>raw</title><style>@import url(${base}/import); body { background: url(${base}/bg) }</style>
        <link rel=stylesheet href="${base}/link"><img src="${base}/img"><iframe src="file:///etc/passwd"></iframe><iframe src="${base}/frame"></iframe>
        <object data="${base}/object"></object><script>fetch('${base}/script'); document.write('SCRIPT RAN')</script><p>raw body</p>`;
      const { pdf } = await stack.pdf.deps.renderer.render({ html, headerTemplate: '<span></span>', footerTemplate: '<span></span>' });
      const { text } = await inspectPdf(pdf);
      expect(text).toContain('raw body');
      expect(text).not.toContain('SCRIPT RAN');
      expect(text).not.toContain('root:x:0:0');
      expect(hits).toEqual([]);
    });
  });

  it("answers 404 to another user's job and file, and for another user's project", async () => {
    const projectId = await stack.createProject(ada, 'Private', sampleResponses(2));
    const started = await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, ada);
    const { jobId } = (await started.json()) as { jobId: string };
    expect((await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, bob)).status).toBe(404);
    expect((await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}/file`, bob)).status).toBe(404);
    expect((await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, bob)).status).toBe(404);
    expect((await generate(bob, projectId)).status).toBe(404);
    expect((await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`)).status).toBe(401);
    const unknownBody = await stack.pdfApi('POST', '/api/generate-pdf', ada, { projectId });
    expect(unknownBody.status).toBe(400);
  });

  it('recovers when Chromium is killed mid-render and still finishes the job', async () => {
    const heavy = listPlaybookFields(playbookCatalog).map(({ field }) => ({ fieldId: field.id, value: 'Long answer line that fills the page.\n'.repeat(12).slice(0, field.maxLength) }));
    const projectId = await stack.createProject(ada, 'Crash test', heavy);
    const restartsBefore = await metricValue(stack, 'pdf_browser_restarts_total', 'reason="crash"');
    const [pid] = stack.pdf.deps.renderer.browserPids();
    const wentAway = () => stack.logs.text().split('the browser went away mid-render; retrying once on a new browser').length - 1;
    const wentAwayBefore = wentAway();
    const started = await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, ada);
    const { jobId } = (await started.json()) as { jobId: string };
    // Killed while the job's page is taken (its render under way): a fixed wait after `rendering` let a fast
    // machine finish the render first (a CI run killed an idle browser and read the restart before it counted).
    await eventually(async () => {
      const job = (await (await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, ada)).json()) as { status: string };
      return job.status === 'rendering' && (await metricValue(stack, 'pdf_pages_in_use')) > 0 ? job : undefined;
    }, 20_000, 5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(pid!, 'SIGKILL');
    const done = await eventually(async () => {
      const job = (await (await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, ada)).json()) as { status: string; pages?: number };
      return job.status === 'done' || job.status === 'failed' ? job : undefined;
    }, 60_000, 100);
    expect(done.status).toBe('done');
    expect(done.pages).toBeGreaterThan(30);
    // At least this job's render went away with the browser (another test's may have too, on the other page).
    expect(wentAway()).toBeGreaterThan(wentAwayBefore);
    expect(await metricValue(stack, 'pdf_browser_restarts_total', 'reason="crash"')).toBe(restartsBefore + 1);
    expect(stack.pdf.deps.renderer.browserPids()).not.toContain(pid);
    expect(() => process.kill(pid!, 0)).toThrow(); // gone, not a zombie waiting to be reaped
    expect((await fetch(`${stack.pdf.url}/readyz`)).status).toBe(200);
  }, 90_000);

  it('removes stored PDFs when their project or their user is deleted, and once they expire', async () => {
    const storedFor = (projectId: string) => stack.storedPdfCount(projectId);
    const print = async (token: string, name: string) => {
      const projectId = await stack.createProject(token, name, sampleResponses(2));
      const response = await generate(token, projectId);
      expect(response.status).toBe(200);
      // Answered as soon as it is rendered (render-here.ts): stored a moment later.
      await eventually(async () => ((await storedFor(projectId)) === 1 ? true : undefined), 15_000, 20);
      return { projectId, jobId: response.headers.get('x-pdf-job-id')! };
    };
    const gone = async (token: string, { projectId, jobId }: { projectId: string; jobId: string }) => {
      await eventually(async () => ((await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, token)).status === 404 ? true : undefined), 15_000, 100);
      await eventually(async () => ((await storedFor(projectId)) === 0 ? true : undefined), 15_000, 100);
    };

    const deletedProject = await print(ada, 'Deleted project');
    expect((await stack.projectsApi('DELETE', `/api/projects/${deletedProject.projectId}`, ada)).status).toBe(204);
    await gone(ada, deletedProject);

    const carol = stack.tokenFor('carol');
    const deletedUser = await print(carol, 'Deleted user');
    await publishEvent(stack.nats, USER_DELETED_SUBJECT, { userId: 'carol', deletedAt: new Date().toISOString() });
    // Carol's token is revoked with her account (a 401 from now on), so her job is looked up in the service itself.
    await eventually(async () => ((await stack.pdfApi('GET', `/api/pdf/jobs/${deletedUser.jobId}`, carol)).status === 401 ? true : undefined), 15_000, 100);
    await eventually(async () => ((await stack.pdf.deps.useCases.jobs.find(deletedUser.jobId)) === undefined ? true : undefined), 15_000, 100);
    await eventually(async () => ((await storedFor(deletedUser.projectId)) === 0 ? true : undefined), 15_000, 100);

    const expiring = await print(ada, 'Expiring');
    await stack.pdf.deps.sweeper.sweep(new Date(Date.now() + 6 * 24 * 3600 * 1000));
    expect((await stack.pdfApi('GET', `/api/pdf/jobs/${expiring.jobId}`, ada)).status).toBe(200);
    await stack.pdf.deps.sweeper.sweep(new Date(Date.now() + 8 * 24 * 3600 * 1000));
    expect((await stack.pdfApi('GET', `/api/pdf/jobs/${expiring.jobId}`, ada)).status).toBe(404);
    expect(await storedFor(expiring.projectId)).toBe(0);
  }, 60_000);
});

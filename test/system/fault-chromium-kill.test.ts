import { listPlaybookFields } from '@playbook/contract';
import type { TestStack } from '../support/stack';
import { answers, ApiClient, FIELD_IDS, sleep, type Session } from './support/api-client';
import { recordResult, waitAllReady } from './support/fault-helpers';
import { descendants, pidOf, pollUntil, startSystemStack } from './support/system-stack';
import { playbookCatalog } from '../../project-service/src/domain/playbook-catalog';

/** Chromium's browser process (not its renderer/zygote/gpu helpers) under pdf-service. */
const browserPids = (stack: TestStack) =>
  descendants(pidOf(stack, 'pdf-service')!).filter((p) => /chrom/i.test(p.command) && !p.command.includes('--type=')).map((p) => p.pid);

describe('Chromium killed mid-render', () => {
  let stack: TestStack;
  let api: ApiClient;
  let session: Session;
  beforeAll(async () => {
    stack = await startSystemStack({ load: true });
    api = new ApiClient(stack.gatewayUrl);
    session = await api.register('chromium');
  }, 120_000);
  afterAll(() => stack?.stop(), 60_000);

  it('retries the render in a new browser and finishes the job', async () => {
    const projectId = await api.createProject(session, 'Chromium crash project');
    // Every field answered at length: a render of many pages, long enough to be caught in the middle.
    const limits = new Map(listPlaybookFields(playbookCatalog).map(({ field }) => [field.id, field.maxLength]));
    const long = (id: string) => `${id}: ${'Eine lange Antwort mit Umlauten, 中文, العربية und mehr.\n'.repeat(40)}`.slice(0, Math.min(2_400, limits.get(id) ?? 200));
    await api.saveAnswers(session, projectId, answers(FIELD_IDS.length, long));

    const { jobId } = await api.requestPdf(session, projectId);
    const rendering = await pollUntil(async () => ((await api.job(session, jobId)).status === 'rendering' ? true : undefined), 20_000, 20);
    expect(rendering).toBe(true);
    const killedAt = Date.now();
    const killed = browserPids(stack);
    expect(killed.length).toBeGreaterThan(0);
    for (const pid of killed) process.kill(pid, 'SIGKILL');

    const job = await api.waitForJob(session, jobId, 90_000);
    const finishedMs = Date.now() - killedAt;
    expect(job.status).toBe('done');
    // Retried at once in a new browser, not after the render timeout (PDF_RENDER_TIMEOUT_MS, 30 s): a page of
    // a killed browser may never answer, so the render races the browser's disconnect.
    expect(finishedMs).toBeLessThan(30_000);
    const file = await api.call('GET', `/api/pdf/jobs/${jobId}/file`, { token: session.accessToken });
    expect(file.status).toBe(200);
    expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');
    // A new browser took over, and the service never stopped being the same process.
    expect(stack.process('pdf-service')?.child.exitCode).toBeNull();
    expect(await waitAllReady(stack, 30_000)).toBeDefined();
    await sleep(200);
    const after = browserPids(stack);
    expect(after.some((pid) => !killed.includes(pid))).toBe(true);
    // Counted where operators see it: the log line may have scrolled out of the kept output behind job polls.
    const metrics = await (await fetch(`${stack.metricsUrl('pdf-service')}/metrics`)).text();
    expect(Number(/^pdf_browser_restarts_total\{[^}]*reason="crash"[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
    recordResult('faults', 'chromiumKill', { jobFinishedAfterKillMs: finishedMs, pages: job.pages, bytes: job.bytes, lostJobs: job.status === 'done' ? 0 : 1 });
  }, 150_000);
});

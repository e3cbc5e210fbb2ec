import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import mongoose from 'mongoose';
import { listPlaybookFields } from '@playbook/contract';
import { freePort, startProcess, type StartedProcess } from '../../test/support/processes';
import { watchPdfStores } from '../../test/system/support/pdf-store';
import { eventually, startPdfStack, type PdfStack } from './support/pdf-stack';
import { sampleResponses } from './support/sample-project';
import { isAlive as alive } from './support/standalone-renderer';
import { playbookCatalog } from '../../project-service/src/domain/playbook-catalog';

const ROOT = resolve(__dirname, '../..');
const childPids = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().split('\n').filter(Boolean).map(Number);
  } catch (error) {
    // pgrep exits 1 when the process has no children; anything else is a real failure.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
};

/** Workers in child processes (the compiled service), so one can be killed with SIGKILL mid-render. */
describe('render jobs survive a worker killed mid-render', () => {
  let stack: PdfStack;
  let db: mongoose.Connection;
  let ada: string;
  const workers: StartedProcess[] = [];

  const startWorker = (env: Record<string, string> = {}) => {
    const worker = startProcess(process.execPath, [resolve(ROOT, 'pdf-service/dist/main.js')], {
      ...process.env,
      ...stack.pdfEnv,
      PDF_WORKER_ENABLED: 'true',
      PDF_PAGE_POOL_SIZE: '1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...env,
    });
    workers.push(worker);
    return worker;
  };
  const jobOf = async (jobId: string) => (await (await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}`, ada)).json()) as { status: string; error?: string };

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'pdf-service'], { cwd: ROOT, timeout: 120_000 });
    // This process only takes requests; the work queue is small so it fills up in a test.
    stack = await startPdfStack({ PDF_WORKER_ENABLED: 'false', PDF_JOB_QUEUE_LIMIT: '3', PDF_JOB_ACK_WAIT_MS: '2000', PDF_JOB_MAX_DELIVERIES: '3' });
    db = await mongoose.createConnection(process.env.TEST_MONGO_URL!, { dbName: stack.dbName }).asPromise();
    ada = stack.tokenFor('ada');
  }, 150_000);
  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await db?.close();
    await stack?.stop();
  }, 30_000);

  const heavyAnswers = () => listPlaybookFields(playbookCatalog).map(({ field }) => ({ fieldId: field.id, value: 'A long answer line that fills the page.\n'.repeat(12).slice(0, field.maxLength) }));
  /** Starts a job on a new worker and kills that worker (SIGKILL) while it renders; returns the job and the worker's browsers. */
  const killWorkerMidRender = async (projectId: string, env: Record<string, string> = {}) => {
    const worker = startWorker(env);
    const started = await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, ada);
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    await eventually(async () => ((await jobOf(jobId)).status === 'rendering' ? true : undefined), 60_000, 10).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.output()}`);
    });
    const browsers = childPids(worker.child.pid!);
    await new Promise((wait) => setTimeout(wait, 200));
    worker.child.kill('SIGKILL');
    await worker.exited;
    return { jobId, browsers };
  };

  it('finishes the job on another worker and stores one PDF', async () => {
    // Counts every put into the object store as it happens (the store keeps one object per name, so a
    // second put of the same PDF would replace the first there, but counts 2 here).
    const stores = await watchPdfStores({ nats: stack.natsServer });
    try {
      const projectId = await stack.createProject(ada, 'Worker crash', heavyAnswers());
      const { jobId, browsers } = await killWorkerMidRender(projectId);
      // Read after the worker's death: it held the job mid-render, on JetStream's first delivery.
      const atKill = await db.collection('pdf_jobs').findOne({ _id: jobId as never });
      expect({ status: atKill?.status, attempts: atKill?.attempts }).toEqual({ status: 'rendering', attempts: 1 });
      // Chromium talks over a pipe: with its worker gone it exits by itself, no orphan is left.
      await eventually(async () => (browsers.every((pid) => !alive(pid)) ? true : undefined), 10_000);

      const second = startWorker();
      const done = await eventually(async () => {
        const job = await jobOf(jobId);
        return job.status === 'done' || job.status === 'failed' ? job : undefined;
      }, 60_000, 100).catch((error: Error) => {
        throw new Error(`${error.message}\n${second.output()}`);
      });
      expect(done).toMatchObject({ status: 'done' });
      // Redelivered: the job was finished by a later JetStream delivery than the one the killed worker held
      // (it rendered again, or found the PDF the killed worker had stored and recorded it).
      const after = await db.collection('pdf_jobs').findOne({ _id: jobId as never });
      expect(after?.attempts).toBeGreaterThanOrEqual(2);
      // Stored once: every put was counted; the put happens before the job is recorded done, so after a
      // round trip to NATS none can still be on its way.
      await stores.flush();
      expect({ jobId, puts: stores.putsOf(String(after?.cacheKey)) }).toEqual({ jobId, puts: 1 });
      expect(await stack.storedPdfCount(projectId)).toBe(1);
      const file = await stack.pdfApi('GET', `/api/pdf/jobs/${jobId}/file`, ada);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      await second.stop('SIGTERM');
      expect(second.output()).toContain('SIGTERM received');
    } finally {
      await stores.close();
    }
  }, 120_000);

  it('renders a one-call PDF whose own process died mid-render once its hold ends, and stores one PDF', async () => {
    const stores = await watchPdfStores({ nats: stack.natsServer });
    try {
      const projectId = await stack.createProject(ada, 'Held render crash', heavyAnswers());
      // A worker taking HTTP requests: with its page free it renders a one-call PDF in the request, held for
      // twice the render timeout and 10 s (main.ts): 20 s here.
      const port = await freePort();
      const asked = startWorker({ PORT: String(port), PDF_RENDER_TIMEOUT_MS: '5000' });
      const url = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000, 100).catch((error: Error) => {
        throw new Error(`${error.message}\n${asked.output()}`);
      });
      const answer = fetch(`${url}/api/generate-pdf`, { method: 'POST', headers: { authorization: `Bearer ${ada}`, 'content-type': 'application/json' }, body: JSON.stringify({ project_id: projectId }) }).catch(
        (error: Error) => error,
      );
      const held = await eventually(async () => (await db.collection('pdf_jobs').findOne({ projectId, heldUntil: { $exists: true } })) ?? undefined, 30_000, 10);
      expect({ status: held.status, attempts: held.attempts }).toEqual({ status: 'rendering', attempts: 1 });
      // Killed once the job is queued beside its render (a death before that loses the job as it would a queued
      // one's between its record and its message).
      const jsm = await stack.nats.connection.jetstreamManager();
      await eventually(async () => ((await jsm.streams.info('PDF_JOBS')).state.messages > 0 ? true : undefined), 10_000, 10);
      asked.child.kill('SIGKILL');
      await asked.exited;
      expect(String(await answer)).toContain('fetch failed');
      const atKill = await db.collection('pdf_jobs').findOne({ _id: held._id });
      expect(atKill?.status).toBe('rendering');

      // The work queue has the job: a worker takes its delivery, leaves it while it is held, then renders it.
      const second = startWorker();
      const done = await eventually(async () => {
        const job = await jobOf(String(held._id));
        return job.status === 'done' || job.status === 'failed' ? job : undefined;
      }, 90_000, 100).catch((error: Error) => {
        throw new Error(`${error.message}\n${second.output()}`);
      });
      expect(done).toMatchObject({ status: 'done' });
      const after = await db.collection('pdf_jobs').findOne({ _id: held._id });
      expect(after?.attempts).toBeGreaterThanOrEqual(2);
      expect((after?.finishedAt as Date).getTime()).toBeGreaterThanOrEqual((held.heldUntil as Date).getTime());
      await stores.flush();
      expect(stores.putsOf(String(after?.cacheKey))).toBe(1);
      expect((await stack.pdfApi('GET', `/api/pdf/jobs/${String(held._id)}/file`, ada)).status).toBe(200);
      await second.stop('SIGTERM');
    } finally {
      await stores.close();
    }
  }, 150_000);

  it('refuses a new job with 429 and Retry-After while the work queue is full', async () => {
    const projects = await Promise.all([1, 2, 3, 4].map((n) => stack.createProject(ada, `Queued ${n}`, sampleResponses(n))));
    for (const projectId of projects.slice(0, 3)) expect((await stack.pdfApi('POST', `/api/projects/${projectId}/pdf`, ada)).status).toBe(202);
    const refused = await stack.pdfApi('POST', `/api/projects/${projects[3]}/pdf`, ada);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A worker drains the queue, and the refused project can be printed.
    const drainer = startWorker();
    const again = await eventually(async () => {
      const response = await stack.pdfApi('POST', `/api/projects/${projects[3]}/pdf`, ada);
      return response.status === 429 ? undefined : response;
    }, 60_000, 200);
    expect(again.status).toBe(202);
    const { jobId } = (await again.json()) as { jobId: string };
    await eventually(async () => ((await jobOf(jobId)).status === 'done' ? true : undefined), 60_000, 100);
    await drainer.stop('SIGTERM');
  }, 90_000);

  it('fails a job for good, with a reason, when its last delivery dies with its worker', async () => {
    const projectId = await stack.createProject(ada, 'Always crashing', heavyAnswers());
    const { jobId } = await killWorkerMidRender(projectId, { PDF_JOB_MAX_DELIVERIES: '1' });
    // JetStream gives up on the message when a worker next pulls: the advisory then fails the job.
    startWorker({ PDF_JOB_MAX_DELIVERIES: '1' });
    const failed = await eventually(async () => {
      const job = await jobOf(jobId);
      return job.status === 'failed' ? job : undefined;
    }, 60_000, 100);
    expect(failed.error).toMatch(/abandoned/);
    const jsm = await stack.nats.connection.jetstreamManager();
    await eventually(async () => ((await jsm.streams.info('PDF_JOBS')).state.messages === 0 ? true : undefined), 10_000, 100);
  }, 90_000);
});

import { EVENT_STREAM_SUBJECTS, JWKS_SUBJECT, REVOCATION_FEED } from '@playbook/contract';
import { defineService, type ServiceRuntime, type StartedService } from '@playbook/kit';
import { openDatabase } from '@playbook/kit/mongo';
import { ensureEventStream, tokenCheckOverNats } from '@playbook/kit/nats';
import { createApp } from './app';
import { pdfConfigSchema, type PdfConfig } from './config';
import { createJobSlots } from './data/job-slots';
import { createJobRepository } from './data/job-repository';
import { createPdfFileStore } from './data/pdf-file-store';
import type { RenderUseCaseDeps } from './domain/pdf-use-case-deps';
import { watchAbandonedJobs } from './jobs/gave-up-watcher';
import { JobWaiter } from './jobs/job-waiter';
import { startRenderWorker } from './jobs/render-worker';
import { startRetentionSweeper, type RetentionSweeper } from './jobs/retention-sweeper';
import { enqueueRenderJob, ensureWorkQueue } from './jobs/work-queue';
import { watchWorkQueue, type WorkQueueWatch } from './jobs/work-queue-watch';
import { consumeProjectDeletions, consumeUserDeletions } from './messaging/deletion-consumers';
import { createJobEvents } from './messaging/job-events';
import { createProjectSource } from './messaging/project-requests';
import { createPdfMetrics } from './pdf-metrics';
import { PdfRenderer } from './rendering/pdf-renderer';

export interface PdfServiceDeps {
  useCases: RenderUseCaseDeps;
  renderer: PdfRenderer;
  sweeper: RetentionSweeper;
  queue: WorkQueueWatch;
  waiter: JobWaiter;
}

/** Renders in flight per replica: twice the pages, so a page never waits for its next snapshot or store. */
const workerConcurrency = (config: PdfConfig) => config.PDF_WORKER_CONCURRENCY ?? 2 * config.PDF_PAGE_POOL_SIZE;

/**
 * How long a request rendering its own job holds it: the renderer's longest (a render timing out, then its one
 * retry on a new browser) and time to store the PDF.
 */
const holdMs = (config: PdfConfig) => 2 * config.PDF_RENDER_TIMEOUT_MS + 10_000;

/** pdf-service: PDF jobs on a JetStream work queue, rendered by Chromium, stored once per content in an object store. */
export const pdfService = defineService({
  name: 'pdf-service',
  config: pdfConfigSchema,
  database: openDatabase,
  setup: async ({ nats }, config) => {
    await ensureEventStream(nats, EVENT_STREAM_SUBJECTS);
    await ensureWorkQueue(nats, { maxJobs: config.PDF_JOB_QUEUE_LIMIT, ackWaitMs: config.PDF_JOB_ACK_WAIT_MS, maxDeliveries: config.PDF_JOB_MAX_DELIVERIES });
  },
  dependencies: (runtime, config) => pdfDependencies(runtime, config),
  background: ({ runtime: { nats, logger }, config, deps }) => [
    ...(config.PDF_WORKER_ENABLED
      ? [['render worker', () =>
          startRenderWorker(nats, deps.useCases, { concurrency: workerConcurrency(config), ackWaitMs: config.PDF_JOB_ACK_WAIT_MS, maxDeliveries: config.PDF_JOB_MAX_DELIVERIES, logger }),
        ] as const]
      : []),
    ['project deletions', () => consumeProjectDeletions(nats, deps.useCases, logger)],
    ['user deletions', () => consumeUserDeletions(nats, deps.useCases, logger)],
    ['abandoned jobs', () => watchAbandonedJobs(nats, deps.useCases, logger)],
    ['retention sweeper', () => {
      void deps.sweeper.sweep();
      return deps.sweeper;
    }],
  ],
  http: ({ runtime, config, deps }) =>
    createApp(runtime, { useCases: deps.useCases, waiter: deps.waiter, requireUser: tokenCheckOverNats(runtime, JWKS_SUBJECT, REVOCATION_FEED).requireUser, syncLimitMs: config.PDF_SYNC_LIMIT_MS }),
  stop: ({ deps }) => [
    // PDFs answered before they were stored: stored and recorded before NATS and the browser go.
    ['renders answered in their requests', () => Promise.all(deps.useCases.heldHere.values())],
    ['job waiter', async () => deps.waiter.close()],
    ['work queue watch', () => deps.queue.stop()],
    ['browser', () => deps.renderer.close()],
  ],
});

async function pdfDependencies(runtime: ServiceRuntime, config: PdfConfig): Promise<PdfServiceDeps> {
  const { nats, metrics, logger } = runtime;
  const pdfMetrics = createPdfMetrics(metrics);
  const retentionMs = config.PDF_RETENTION_DAYS * 24 * 3600 * 1000;
  const renderer = new PdfRenderer({
    executablePath: config.CHROMIUM_PATH,
    niceness: config.CHROMIUM_NICENESS,
    poolSize: config.PDF_PAGE_POOL_SIZE,
    timeoutMs: config.PDF_RENDER_TIMEOUT_MS,
    maxRendersPerBrowser: config.PDF_BROWSER_MAX_RENDERS,
    maxRendersPerPage: config.PDF_PAGE_MAX_RENDERS,
    logger,
    metrics: pdfMetrics,
  });
  let stores: Pick<RenderUseCaseDeps, 'jobs' | 'files'>;
  try {
    if (config.PDF_WORKER_ENABLED) {
      await renderer.warmUp();
      runtime.readiness.browser = () => renderer.isReady();
    }
    stores = {
      jobs: await createJobRepository(runtime.mongo!.connection),
      files: await createPdfFileStore(nats, { retentionMs, memoryCacheBytes: config.PDF_MEMORY_CACHE_MB * 1024 * 1024 }),
    };
  } catch (error) {
    // The kit stops a failed start's parts only once the dependencies exist, so a browser started here is ours to close.
    await renderer.close();
    throw error;
  }
  const queue = watchWorkQueue(nats, {
    queueLimit: config.PDF_JOB_QUEUE_LIMIT,
    concurrency: workerConcurrency(config),
    averageRenderSeconds: () => renderer.averageRenderSeconds,
    reportDepth: (queued) => pdfMetrics.jobQueueDepth.set(queued),
  });
  const useCases: RenderUseCaseDeps = {
    ...stores,
    renderer,
    holdMs: holdMs(config),
    heldHere: new Map(),
    jobSlots: createJobSlots(runtime.mongo!.connection),
    maxJobsPerOwner: config.PDF_JOBS_PER_USER,
    metrics: pdfMetrics,
    logger,
    retentionMs,
    ...createProjectSource(nats, { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, metrics }),
    ...createJobEvents(nats),
    enqueue: (jobId, snapshot) => enqueueRenderJob(nats, jobId, snapshot, queue.retryAfterSeconds),
  };
  const sweeper = startRetentionSweeper(useCases, config.PDF_SWEEP_INTERVAL_MS, logger);
  return { useCases, renderer, sweeper, queue, waiter: new JobWaiter(nats) };
}

export type PdfServiceHandle = StartedService<PdfServiceDeps>;
export const startPdfService = pdfService.start;

if (require.main === module) pdfService.run();

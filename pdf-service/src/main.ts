import {
  tokenCheckOverNats,
  ensureEventStream,
  listen,
  loadConfig,
  natsRequest,
  openServiceRuntime,
  projectSnapshotSchema,
  projectVersionSchema,
  publishEvent,
  runService,
  type Logger,
  type RunningService,
} from '@playbook/shared';
import { createApp } from './app';
import { pdfConfigSchema, type PdfConfig } from './config';
import { JobRepository } from './data/job-repository';
import { PdfFileStore } from './data/pdf-file-store';
import type { RenderUseCaseDeps } from './domain/pdf-use-case-deps';
import { watchAbandonedJobs } from './jobs/gave-up-watcher';
import { JobWaiter } from './jobs/job-waiter';
import { startRenderWorker, type RenderWorker } from './jobs/render-worker';
import { startRetentionSweeper, type RetentionSweeper } from './jobs/retention-sweeper';
import { countQueuedJobs, enqueueRenderJob, ensureWorkQueue } from './jobs/work-queue';
import { startDeletionConsumers } from './messaging/deletion-consumers';
import { PDF_JOB_UPDATED_SUBJECT, PROJECT_SNAPSHOT_SUBJECT, PROJECT_VERSION_SUBJECT } from './messaging/subjects';
import { createPdfMetrics } from './pdf-metrics';
import { PdfRenderer } from './rendering/pdf-renderer';

export interface PdfServiceHandle extends RunningService {
  renderer: PdfRenderer;
  sweeper: RetentionSweeper;
}

/** Composition root: config → NATS, database, Chromium → worker, event consumers, app → listening service. */
export async function startPdfService(config: PdfConfig, logger?: Logger): Promise<PdfServiceHandle> {
  const runtime = await openServiceRuntime({ name: 'pdf-service', config, dbName: config.MONGO_DB, logger });
  const { nats, metrics } = runtime;
  const log = runtime.logger;
  if (!runtime.mongo) throw new Error('pdf-service needs its database');
  const pdfMetrics = createPdfMetrics(metrics);
  const concurrency = config.PDF_WORKER_CONCURRENCY ?? 2 * config.PDF_PAGE_POOL_SIZE;
  await ensureEventStream(nats);
  await ensureWorkQueue(nats, { maxJobs: config.PDF_JOB_QUEUE_LIMIT, ackWaitMs: config.PDF_JOB_ACK_WAIT_MS, maxDeliveries: config.PDF_JOB_MAX_DELIVERIES });

  const jobs = new JobRepository(runtime.mongo.connection);
  await jobs.init();
  const retentionMs = config.PDF_RETENTION_DAYS * 24 * 3600 * 1000;
  const files = await PdfFileStore.open(nats, { retentionMs, memoryCacheBytes: config.PDF_MEMORY_CACHE_MB * 1024 * 1024 });
  const renderer = new PdfRenderer({
    executablePath: config.CHROMIUM_PATH,
    poolSize: config.PDF_PAGE_POOL_SIZE,
    queueLimit: config.PDF_RENDER_QUEUE_LIMIT,
    timeoutMs: config.PDF_RENDER_TIMEOUT_MS,
    maxRendersPerBrowser: config.PDF_BROWSER_MAX_RENDERS,
    logger: log,
    metrics: pdfMetrics,
  });
  if (config.PDF_WORKER_ENABLED) {
    await renderer.warmUp();
    runtime.readiness.browser = () => renderer.isReady();
  }

  let typicalRenderSeconds = 0.5;
  const useCases: RenderUseCaseDeps = {
    jobs,
    files,
    renderer,
    metrics: pdfMetrics,
    logger: log,
    retentionMs,
    fetchSnapshot: (projectId, ownerId) =>
      natsRequest(nats, { subject: PROJECT_SNAPSHOT_SUBJECT, payload: { projectId, ownerId }, responseSchema: projectSnapshotSchema, timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, metrics }),
    fetchVersion: (projectId, ownerId) =>
      natsRequest(nats, { subject: PROJECT_VERSION_SUBJECT, payload: { projectId, ownerId }, responseSchema: projectVersionSchema, timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, metrics }),
    enqueue: (jobId, snapshot) =>
      enqueueRenderJob(nats, jobId, snapshot, () => typicalRenderSeconds * Math.max(1, config.PDF_JOB_QUEUE_LIMIT / Math.max(1, concurrency))),
    publishJobUpdated: (event) => publishEvent(nats, PDF_JOB_UPDATED_SUBJECT, event, `${event.jobId}:${event.status}`),
  };
  const queueGauge = setInterval(() => {
    countQueuedJobs(nats).then(
      (queued) => pdfMetrics.jobQueueDepth.set(queued),
      () => undefined,
    );
    typicalRenderSeconds = Math.max(0.2, renderer.averageRenderSeconds);
  }, 5_000);
  queueGauge.unref();

  const worker: RenderWorker | undefined = config.PDF_WORKER_ENABLED
    ? await startRenderWorker(nats, useCases, { concurrency, ackWaitMs: config.PDF_JOB_ACK_WAIT_MS, maxDeliveries: config.PDF_JOB_MAX_DELIVERIES, logger: log })
    : undefined;
  const consumers = await startDeletionConsumers(nats, useCases, log);
  const abandonedJobs = watchAbandonedJobs(nats, useCases, log);
  const sweeper = startRetentionSweeper(useCases, config.PDF_SWEEP_INTERVAL_MS, log);
  void sweeper.sweep();
  const waiter = new JobWaiter(nats);
  const auth = tokenCheckOverNats(runtime);

  const app = createApp(runtime, { useCases, waiter, auth, syncLimitMs: config.PDF_SYNC_LIMIT_MS });
  const running = await listen(runtime, app, {
    port: config.PORT,
    beforeDisconnect: [
      ['render worker', async () => worker?.stop()],
      ['event consumers', () => Promise.all(consumers.map((consumer) => consumer.stop()))],
      ['retention sweeper', () => sweeper.stop()],
      ['job waiter', async () => {
        clearInterval(queueGauge);
        waiter.close();
        abandonedJobs.unsubscribe();
      }],
      ['browser', () => renderer.close()],
    ],
  });
  return { ...running, renderer, sweeper };
}

if (require.main === module) runService('pdf-service', () => startPdfService(loadConfig(pdfConfigSchema)));

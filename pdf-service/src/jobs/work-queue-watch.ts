import type { NatsHandle } from '@playbook/kit/nats';
import { countQueuedJobs } from './work-queue';

export interface WorkQueueWatchOptions {
  /** The queue's limit (PDF_JOB_QUEUE_LIMIT) and the renders this replica runs at once. */
  queueLimit: number;
  concurrency: number;
  /** The renderer's recent mean, read at each pass. */
  averageRenderSeconds: () => number;
  /** Where the depth goes (the pdf_job_queue_depth gauge). */
  reportDepth: (queued: number) => void;
}

export interface WorkQueueWatch {
  /** How long a full queue takes to drain at the recent render speed: the Retry-After of a 429. */
  retryAfterSeconds(): number;
  stop(): Promise<void>;
}

const WATCH_INTERVAL_MS = 5_000;

/** Reads the work queue's depth every 5 s for the metrics, and keeps the render time the Retry-After estimate uses. */
export function watchWorkQueue(nats: NatsHandle, options: WorkQueueWatchOptions): WorkQueueWatch {
  let typicalRenderSeconds = 0.5;
  const timer = setInterval(() => {
    countQueuedJobs(nats).then(options.reportDepth, () => undefined);
    typicalRenderSeconds = Math.max(0.2, options.averageRenderSeconds());
  }, WATCH_INTERVAL_MS);
  timer.unref();
  return {
    retryAfterSeconds: () => typicalRenderSeconds * Math.max(1, options.queueLimit / Math.max(1, options.concurrency)),
    stop: async () => clearInterval(timer),
  };
}

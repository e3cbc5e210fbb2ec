import type { Logger } from '@playbook/kit';
import { consumeMessages, type MessageConsumer, type NatsHandle } from '@playbook/kit/nats';
import { failJob, PermanentJobError, renderJob } from '../domain/render-job';
import type { RenderUseCaseDeps } from '../domain/pdf-use-case-deps';
import { PDF_RENDER_CONSUMER, PDF_WORK_STREAM } from '../messaging/subjects';
import { renderJobMessageSchema } from './work-queue';

export interface RenderWorkerOptions {
  concurrency: number;
  ackWaitMs: number;
  maxDeliveries: number;
  logger: Logger;
}

/**
 * Pulls render jobs from the shared durable consumer through the kit's consumer loop, `concurrency` at a time.
 * A job is acked only after its PDF is stored and the job recorded; while it renders, heartbeats keep
 * JetStream from handing it to another worker. A failed attempt is retried until the last delivery, which
 * marks the job failed (at once when its project is gone).
 */
export function startRenderWorker(nats: NatsHandle, deps: RenderUseCaseDeps, options: RenderWorkerOptions): Promise<MessageConsumer> {
  const { logger } = options;
  return consumeMessages(nats, {
    stream: PDF_WORK_STREAM,
    durable: PDF_RENDER_CONSUMER,
    schema: renderJobMessageSchema,
    logger,
    concurrency: options.concurrency,
    ackWaitMs: options.ackWaitMs,
    maxDeliveries: options.maxDeliveries,
    handle: async ({ jobId, snapshot }, delivery) => {
      const result = await renderJob(deps, jobId, delivery, snapshot);
      if (result.outcome === 'skipped') logger.info(`job ${jobId} skipped: ${result.reason}`);
    },
    isPermanent: (error) => error instanceof PermanentJobError,
    onRetry: async ({ jobId }, error) => deps.jobs.markRetrying(jobId, error.message),
    onGiveUp: async ({ jobId }, error, delivery) =>
      failJob(deps, jobId, error instanceof PermanentJobError ? error.message : `Rendering failed after ${delivery} attempts: ${error.message}`),
  });
}

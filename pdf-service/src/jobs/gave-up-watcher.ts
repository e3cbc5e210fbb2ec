import { type Logger } from '@playbook/kit';
import { parseMessage, type NatsHandle } from '@playbook/kit/nats';
import { z } from 'zod';
import { failJob } from '../domain/render-job';
import type { RenderUseCaseDeps } from '../domain/pdf-use-case-deps';
import { PDF_RENDER_CONSUMER, PDF_WORK_STREAM } from '../messaging/subjects';
import { renderJobMessageSchema } from './work-queue';

/** JetStream's advisory when a message reached the consumer's max_deliver without an ack. */
export const MAX_DELIVERIES_ADVISORY = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${PDF_WORK_STREAM}.${PDF_RENDER_CONSUMER}`;
const advisorySchema = z.object({ stream_seq: z.number().int().positive(), deliveries: z.number().int() });

/**
 * A job whose every attempt died with its worker (killed, out of memory) is never failed by a worker: JetStream
 * just stops delivering it. This watcher (one replica per advisory, through a queue group) marks such a job
 * failed and removes its message, which would otherwise hold a place in the work queue for good.
 */
export function watchAbandonedJobs(nats: NatsHandle, deps: RenderUseCaseDeps, logger: Logger): { stop(): Promise<void> } {
  const subscription = nats.connection.subscribe(MAX_DELIVERIES_ADVISORY, {
    queue: 'pdf-service-gave-up',
    callback: (error, message) => {
      if (error) return;
      void (async () => {
        const advisory = parseMessage(advisorySchema, message.data, 'max-deliveries advisory');
        const jsm = await nats.connection.jetstreamManager();
        const stored = await jsm.streams.getMessage(PDF_WORK_STREAM, { seq: advisory.stream_seq });
        const { jobId } = parseMessage(renderJobMessageSchema, stored.data, 'render job message');
        await failJob(deps, jobId, `Rendering was abandoned ${advisory.deliveries} times (the worker stopped mid-render)`);
        await jsm.streams.deleteMessage(PDF_WORK_STREAM, advisory.stream_seq);
      })().catch((failure: unknown) => logger.warn(`handling a max-deliveries advisory failed: ${(failure as Error).message}`));
    },
  });
  return { stop: async () => subscription.unsubscribe() };
}

import { decodeJson, runWithRequestContext, requestIdOf, type Logger, type NatsHandle } from '@playbook/shared';
import type { JsMsg } from 'nats';
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

export interface RenderWorker {
  /** Stops pulling, lets the jobs in hand finish, then returns. */
  stop(): Promise<void>;
}

/**
 * Pulls render jobs from the shared durable consumer, `concurrency` at a time. A job is acked only after
 * its PDF is stored and the job recorded; while it renders, heartbeats keep JetStream from handing it to
 * another worker. A failed attempt is retried (nak) until the last delivery, which marks the job failed.
 */
export async function startRenderWorker(nats: NatsHandle, deps: RenderUseCaseDeps, options: RenderWorkerOptions): Promise<RenderWorker> {
  const consumer = await nats.connection.jetstream().consumers.get(PDF_WORK_STREAM, PDF_RENDER_CONSUMER);
  let stopping = false;
  const inHand = new Set<Promise<void>>();

  const loop = async () => {
    while (!stopping) {
      let message: JsMsg | null;
      try {
        message = await consumer.next({ expires: 2_000 });
      } catch (error) {
        if (stopping || nats.connection.isClosed()) return;
        options.logger.warn(`pulling render jobs failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (!message) continue;
      if (stopping) {
        message.nak();
        return;
      }
      const handling = handleMessage(message, deps, options);
      inHand.add(handling);
      await handling;
      inHand.delete(handling);
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);

  return {
    stop: async () => {
      stopping = true;
      await Promise.all(inHand);
      // The idle pulls end when NATS drains; they are not waited for here.
      void Promise.allSettled(loops);
    },
  };
}

async function handleMessage(message: JsMsg, deps: RenderUseCaseDeps, options: RenderWorkerOptions): Promise<void> {
  const requestId = requestIdOf(message.headers) ?? `job-${message.seq}`;
  await runWithRequestContext({ requestId }, async () => {
    let parsed;
    try {
      parsed = renderJobMessageSchema.safeParse(decodeJson(message.data));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      options.logger.error(`dropping a malformed render job message (seq ${message.seq})`);
      message.term();
      return;
    }
    const { jobId, snapshot } = parsed.data;
    const delivery = message.info.redeliveryCount;
    const heartbeat = setInterval(() => message.working(), Math.max(1_000, Math.floor(options.ackWaitMs / 3)));
    try {
      const result = await renderJob(deps, jobId, delivery, snapshot);
      if (result.outcome === 'skipped') options.logger.info(`job ${jobId} skipped: ${result.reason}`);
      await message.ackAck();
    } catch (error) {
      const reason = (error as Error).message;
      const lastTry = error instanceof PermanentJobError || delivery >= options.maxDeliveries;
      if (lastTry) {
        await failJob(deps, jobId, error instanceof PermanentJobError ? reason : `Rendering failed after ${delivery} attempts: ${reason}`).catch((failure: unknown) =>
          options.logger.error(`could not record job ${jobId} as failed: ${(failure as Error).message}`),
        );
        message.term();
      } else {
        options.logger.warn(`job ${jobId} attempt ${delivery} failed, will retry: ${reason}`);
        await deps.jobs.markRetrying(jobId, reason).catch(() => undefined);
        message.nak(Math.min(10_000, 1_000 * 2 ** (delivery - 1)));
      }
    } finally {
      clearInterval(heartbeat);
    }
  });
}

import { AckPolicy, DiscardPolicy, nanos, RetentionPolicy, StorageType, type ConsumerConfig, type StreamConfig } from 'nats';
import { projectSnapshotSchema, type ProjectSnapshot } from '@playbook/contract';
import { ServiceUnavailableError, TooManyRequestsError } from '@playbook/kit';
import { encodeJson, ensureStream, requestIdHeaders, type NatsHandle } from '@playbook/kit/nats';
import { z } from 'zod';
import { PDF_RENDER_CONSUMER, PDF_RENDER_JOB_SUBJECT, PDF_WORK_STREAM } from '../messaging/subjects';

/**
 * The work message: the job id and, when it is small, the snapshot the job was started with (so the worker
 * need not ask project-service again); without it the worker fetches the snapshot itself.
 */
export const renderJobMessageSchema = z.strictObject({ jobId: z.string().min(1), snapshot: projectSnapshotSchema.optional() });
export type RenderJobMessage = z.infer<typeof renderJobMessageSchema>;

export interface WorkQueueOptions {
  /** Jobs waiting or in progress across all replicas; publishing beyond it fails (429). */
  maxJobs: number;
  ackWaitMs: number;
  maxDeliveries: number;
}

/** Creates or updates the work-queue stream and its shared durable pull consumer. */
export async function ensureWorkQueue(nats: NatsHandle, options: WorkQueueOptions): Promise<void> {
  const jsm = await nats.connection.jetstreamManager();
  const stream: Partial<StreamConfig> & { name: string } = {
    name: PDF_WORK_STREAM,
    subjects: [PDF_RENDER_JOB_SUBJECT],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_msgs: options.maxJobs,
    duplicate_window: nanos(2 * 60 * 1000),
  };
  await ensureStream(nats, stream);
  const consumer: Partial<ConsumerConfig> = {
    durable_name: PDF_RENDER_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: options.maxDeliveries,
    max_ack_pending: 1_000,
  };
  try {
    await jsm.consumers.info(PDF_WORK_STREAM, PDF_RENDER_CONSUMER);
    await jsm.consumers.update(PDF_WORK_STREAM, PDF_RENDER_CONSUMER, consumer);
  } catch {
    await jsm.consumers.add(PDF_WORK_STREAM, consumer);
  }
}

/** JetStream's "maximum messages / bytes exceeded" (discard: new on a full stream). */
const STREAM_FULL_CODES = new Set([10077]);

/** Snapshots larger than this stay out of the work message (JetStream's default message limit is 1 MB). */
const MAX_INLINE_SNAPSHOT_BYTES = 256 * 1024;

/** Queues a render; the job id doubles as the message id, so a retried publish is stored once. */
export async function enqueueRenderJob(nats: NatsHandle, jobId: string, snapshot: ProjectSnapshot | undefined, retryAfterSeconds: () => number): Promise<void> {
  let data = encodeJson({ jobId, snapshot } satisfies RenderJobMessage);
  if (data.byteLength > MAX_INLINE_SNAPSHOT_BYTES) data = encodeJson({ jobId } satisfies RenderJobMessage);
  try {
    await nats.connection.jetstream().publish(PDF_RENDER_JOB_SUBJECT, data, { msgID: jobId, headers: requestIdHeaders() });
  } catch (error) {
    const apiError = (error as { api_error?: { err_code?: number; description?: string } }).api_error;
    if (apiError && (STREAM_FULL_CODES.has(apiError.err_code ?? 0) || /maximum (messages|bytes)/i.test(apiError.description ?? ''))) {
      throw new TooManyRequestsError(Math.max(1, Math.ceil(retryAfterSeconds())), 'Too many PDFs are being rendered, retry later');
    }
    throw new ServiceUnavailableError('The PDF job queue is unavailable', error);
  }
}

/** Jobs waiting in the work queue (all replicas), for the Retry-After estimate and metrics. */
export async function countQueuedJobs(nats: NatsHandle): Promise<number> {
  const jsm = await nats.connection.jetstreamManager();
  return (await jsm.streams.info(PDF_WORK_STREAM)).state.messages;
}

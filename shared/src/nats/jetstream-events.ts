import { AckPolicy, DeliverPolicy, nanos, RetentionPolicy, StorageType, type ConsumerMessages } from 'nats';
import type { z } from 'zod';
import type { Logger } from '../logging/logger';
import { runWithRequestContext } from '../logging/request-context';
import type { NatsHandle } from './nats-connection';
import { ensureStream } from './jetstream-streams';
import { decodeJson, encodeJson, requestIdHeaders, requestIdOf } from './nats-messages';

/**
 * Domain events (`auth.v1.user.deleted`, `project.v1.project.updated`, …) are stored in one JetStream
 * stream, so a consumer that is down when an event happens still gets it when it comes back.
 */
export const EVENT_STREAM = 'EVENTS';
export const EVENT_SUBJECTS = ['auth.v1.user.>', 'auth.v1.audit', 'project.v1.project.>', 'pdf.v1.job.>'];
const EVENT_RETENTION_DAYS = 7;

export async function ensureEventStream(nats: NatsHandle): Promise<void> {
  const config = {
    name: EVENT_STREAM,
    subjects: EVENT_SUBJECTS,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(EVENT_RETENTION_DAYS * 24 * 3600 * 1000),
    duplicate_window: nanos(2 * 60 * 1000),
  };
  await ensureStream(nats, config);
}

/** Publishes an event and waits for JetStream to store it; `eventId` makes a retried publish a no-op. */
export async function publishEvent(nats: NatsHandle, subject: string, payload: unknown, eventId?: string): Promise<void> {
  await nats.connection.jetstream().publish(subject, encodeJson(payload), {
    headers: requestIdHeaders(),
    ...(eventId ? { msgID: eventId } : {}),
  });
}

export interface ConsumeEventsOptions<S extends z.ZodType> {
  /** Durable consumer name, one per service and purpose, e.g. `project-service-user-deleted`. */
  durable: string;
  subject: string;
  schema: S;
  logger: Logger;
  /** Must be idempotent: an event can arrive twice. */
  handle: (event: z.infer<S>) => Promise<void>;
  maxDeliver?: number;
}

export interface EventConsumer {
  stop(): Promise<void>;
}

/** Consumes events with a durable consumer: ack after the handler succeeded, retry later when it failed. */
export async function consumeEvents<S extends z.ZodType>(nats: NatsHandle, options: ConsumeEventsOptions<S>): Promise<EventConsumer> {
  const { durable, subject, schema, logger, handle } = options;
  const jsm = await nats.connection.jetstreamManager();
  await jsm.consumers.add(EVENT_STREAM, {
    durable_name: durable,
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    ack_wait: nanos(30_000),
    max_deliver: options.maxDeliver ?? 10,
  });
  const consumer = await nats.connection.jetstream().consumers.get(EVENT_STREAM, durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 16 });
  const done = (async () => {
    for await (const message of messages) {
      const requestId = requestIdOf(message.headers) ?? `event-${message.seq}`;
      await runWithRequestContext({ requestId }, async () => {
        const parsed = schema.safeParse(safeDecode(message.data));
        if (!parsed.success) {
          logger.error(`dropping malformed ${message.subject} event: ${parsed.error.message}`);
          message.term();
          return;
        }
        try {
          await handle(parsed.data);
          message.ack();
        } catch (error) {
          logger.warn(`${message.subject} event failed (delivery ${message.info.redeliveryCount}), will retry: ${(error as Error).message}`);
          message.nak(2_000);
        }
      });
    }
  })();
  return {
    stop: async () => {
      await messages.close();
      await done;
    },
  };
}

function safeDecode(data: Uint8Array): unknown {
  try {
    return decodeJson(data);
  } catch {
    return undefined;
  }
}

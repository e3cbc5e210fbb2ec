import { AckPolicy, DeliverPolicy, nanos, RetentionPolicy, StorageType } from 'nats';
import type { z } from 'zod';
import type { Logger } from '../logging/logger';
import { inSpan, natsAttributes, SpanKind } from '../tracing/trace-context';
import type { NatsHandle } from './nats-connection';
import { consumeMessages, type MessageConsumer } from './jetstream-consumer';
import { ensureStream } from './jetstream-streams';
import { encodeJson, requestIdHeaders } from './nats-messages';
import type { RevocationFeed } from './revocation-feed';

/**
 * Domain events (`auth.v1.user.deleted`, `project.v1.project.updated`, …) are stored in one JetStream
 * stream, so a consumer that is down when an event happens still gets it when it comes back.
 */
export const EVENT_STREAM = 'EVENTS';
const EVENT_RETENTION_DAYS = 7;

/** Creates or updates the event stream to keep `subjects` (the contract's list: every service passes the same). */
export async function ensureEventStream(nats: NatsHandle, subjects: string[]): Promise<void> {
  const config = {
    name: EVENT_STREAM,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(EVENT_RETENTION_DAYS * 24 * 3600 * 1000),
    duplicate_window: nanos(2 * 60 * 1000),
  };
  await ensureStream(nats, config);
}

/**
 * The token revocations (the feed's subjects), copied by JetStream from the event stream and kept as long as a
 * revocation matters: what every verifier reads (`followRevocations`), so no verifier needs to read the event
 * stream itself, or may (contract/src/nats-identities.ts).
 */
export const REVOCATION_STREAM = 'REVOCATIONS';

/**
 * Creates or updates a stream of some of the event stream's subjects, copied into it by JetStream and kept
 * `keepMs`: a reader of only those needs no grant on the event stream itself (contract/src/nats-identities.ts).
 */
export async function ensureEventCopy(nats: NatsHandle, copy: { name: string; subjects: string[]; keepMs: number }): Promise<void> {
  await ensureStream(nats, {
    name: copy.name,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(copy.keepMs),
    sources: [{ name: EVENT_STREAM, subject_transforms: copy.subjects.map((subject) => ({ src: subject, dest: subject })) }],
  });
}

/** Creates or updates the revocation stream; the service that publishes revocations calls it at start. */
export async function ensureRevocationStream(nats: NatsHandle, feed: Pick<RevocationFeed, 'subjects' | 'keepSeconds'>): Promise<void> {
  await ensureEventCopy(nats, { name: REVOCATION_STREAM, subjects: feed.subjects, keepMs: feed.keepSeconds * 1000 });
}

/** Publishes an event and waits for JetStream to store it; `eventId` makes a retried publish a no-op. */
export async function publishEvent(nats: NatsHandle, subject: string, payload: unknown, eventId?: string): Promise<void> {
  await inSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER, attributes: natsAttributes(subject, 'publish') }, () =>
    nats.connection.jetstream().publish(subject, encodeJson(payload), {
      headers: requestIdHeaders(),
      ...(eventId ? { msgID: eventId } : {}),
    }),
  );
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

const EVENT_ACK_WAIT_MS = 30_000;

/** Consumes events with a durable consumer through the one consumer loop: ack after the handler succeeded, retry 2 s later when it failed. */
export async function consumeEvents<S extends z.ZodType>(nats: NatsHandle, options: ConsumeEventsOptions<S>): Promise<MessageConsumer> {
  const { durable, subject, schema, logger, handle } = options;
  const maxDeliveries = options.maxDeliver ?? 10;
  const jsm = await nats.connection.jetstreamManager();
  await jsm.consumers.add(EVENT_STREAM, {
    durable_name: durable,
    filter_subject: subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    ack_wait: nanos(EVENT_ACK_WAIT_MS),
    max_deliver: maxDeliveries,
  });
  return consumeMessages(nats, {
    stream: EVENT_STREAM,
    durable,
    schema,
    logger,
    concurrency: 1,
    ackWaitMs: EVENT_ACK_WAIT_MS,
    maxDeliveries,
    handle: (event) => handle(event),
    retryDelayMs: () => 2_000,
  });
}

import { setTimeout as delay } from 'node:timers/promises';
import { CLIENT_EVENT_STREAM, CLIENT_EVENT_SUBJECTS } from '@playbook/contract';
import type { Logger } from '@playbook/kit';
import { ensureStream, EVENT_STREAM, type NatsHandle } from '@playbook/kit/nats';
import { DeliverPolicy, nanos, RetentionPolicy, StorageType, type ConsumerMessages } from 'nats';
import { routeClientEvent } from './client-event-routing';
import type { EventFanout } from './event-fanout';

/** Longer than any resume the gateway offers (its replay ring), so a replica that starts can fill its ring. */
const CLIENT_EVENT_KEEP_MS = 60 * 60 * 1000;
const RETRY_MS = 1_000;
/** A replica answers streams once its ring holds the recent events; a stream that cannot be read delays it no longer. */
const CATCH_UP_LIMIT_MS = 30_000;

/**
 * Creates or updates the gateway's event stream: JetStream copies the client-facing subjects of the event stream
 * into it (as the revocation stream does), so the gateway reads only those. Its positions are the SSE ids.
 */
export async function ensureClientEventStream(nats: NatsHandle): Promise<void> {
  await ensureStream(nats, {
    name: CLIENT_EVENT_STREAM,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(CLIENT_EVENT_KEEP_MS),
    sources: [{ name: EVENT_STREAM, subject_transforms: CLIENT_EVENT_SUBJECTS.map((subject) => ({ src: subject, dest: subject })) }],
  });
}

export interface ClientEventFeed {
  stop(): Promise<void>;
}

/**
 * The one live subscription of a gateway replica: an ordered consumer on the client event stream, starting with the
 * newest `replayEvents` events (so a new replica can resume streams too) and following live, every event routed into
 * `fanout`. Resolves once those newest events are in, or after CATCH_UP_LIMIT_MS. Restarts after the last position it
 * saw when the consumer fails; ends with the connection or `stop`.
 */
export async function followClientEvents(nats: NatsHandle, fanout: EventFanout, options: { replayEvents: number; logger: Logger }): Promise<ClientEventFeed> {
  const jsm = await nats.connection.jetstreamManager();
  const { first_seq: firstSeq, last_seq: lastSeq } = (await jsm.streams.info(CLIENT_EVENT_STREAM)).state;
  const startSeq = Math.max(firstSeq, lastSeq - options.replayEvents + 1, 1);
  fanout.startAfter(startSeq - 1);

  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let caughtUp!: () => void;
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  if (lastSeq < startSeq) caughtUp();

  const run = async () => {
    while (!stopping && !nats.connection.isClosed()) {
      try {
        const consumer = await nats.connection.jetstream().consumers.get(CLIENT_EVENT_STREAM, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: Math.max(startSeq, fanout.latestSeq + 1),
        });
        messages = await consumer.consume();
        // `stop` may have come while the consumer was being made (an empty stream is caught up at once).
        if (stopping) messages.stop();
        for await (const message of messages) {
          let data: unknown;
          try {
            data = message.json();
          } catch {
            data = undefined;
          }
          fanout.publish(message.seq, routeClientEvent(message.subject, data));
          if (message.seq >= lastSeq || message.info.pending === 0) caughtUp();
        }
      } catch (error) {
        if (stopping || nats.connection.isClosed()) break;
        options.logger.warn(`following the client event stream failed, retrying in a second: ${(error as Error).message}`);
      }
      if (!stopping && !nats.connection.isClosed()) await delay(RETRY_MS, undefined, { ref: false });
    }
  };
  const running = run();
  const timer = setTimeout(() => {
    options.logger.warn(`the client event stream was not read up to position ${lastSeq} within ${CATCH_UP_LIMIT_MS} ms; serving streams anyway`);
    caughtUp();
  }, CATCH_UP_LIMIT_MS);
  await ready;
  clearTimeout(timer);
  return {
    stop: async () => {
      stopping = true;
      messages?.stop();
      await running;
    },
  };
}

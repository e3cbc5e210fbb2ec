import { CLIENT_EVENT_STREAM, CLIENT_EVENT_SUBJECTS } from '@playbook/contract';
import type { Logger } from '@playbook/kit';
import { ensureEventCopy, followStream, type NatsHandle } from '@playbook/kit/nats';
import { DeliverPolicy } from 'nats';
import { routeClientEvent } from './client-event-routing';
import type { EventFanout } from './event-fanout';

/** Longer than any resume the gateway offers (its replay ring), so a replica that starts can fill its ring. */
const CLIENT_EVENT_KEEP_MS = 60 * 60 * 1000;
/** A replica answers streams once its ring holds the recent events; a stream that cannot be read delays it no longer. */
const CATCH_UP_LIMIT_MS = 30_000;

/**
 * Creates or updates the gateway's event stream: JetStream copies the client-facing subjects of the event stream
 * into it (as the revocation stream does), so the gateway reads only those. Its positions are the SSE ids.
 */
export async function ensureClientEventStream(nats: NatsHandle): Promise<void> {
  await ensureEventCopy(nats, { name: CLIENT_EVENT_STREAM, subjects: CLIENT_EVENT_SUBJECTS, keepMs: CLIENT_EVENT_KEEP_MS });
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

  let caughtUp!: () => void;
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  if (lastSeq < startSeq) caughtUp();

  const follower = followStream(nats, {
    stream: CLIENT_EVENT_STREAM,
    // A restart resumes after the last event the fan-out saw.
    start: () => ({ deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(startSeq, fanout.latestSeq + 1) }),
    onMessage: (message, data) => {
      fanout.publish(message.seq, routeClientEvent(message.subject, data));
      if (message.seq >= lastSeq || message.info.pending === 0) caughtUp();
    },
    what: 'the client event stream',
    logger: options.logger,
  });
  const timer = setTimeout(() => {
    options.logger.warn(`the client event stream was not read up to position ${lastSeq} within ${CATCH_UP_LIMIT_MS} ms; serving streams anyway`);
    caughtUp();
  }, CATCH_UP_LIMIT_MS);
  await ready;
  clearTimeout(timer);
  return follower;
}

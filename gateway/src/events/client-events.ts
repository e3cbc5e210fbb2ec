import { CLIENT_EVENT_STREAM } from '@playbook/contract';
import type { Running, ServiceRuntime } from '@playbook/kit';
import type { TokenCheck } from '@playbook/kit/nats';
import type Koa from 'koa';
import type { GatewayConfig } from '../config';
import { ensureClientEventStream, followClientEvents } from './client-event-feed';
import { EventFanout } from './event-fanout';
import { createEventMetrics } from './event-metrics';
import { createNatsTicketStore } from './event-tickets';
import { createEventHandlers } from './events-routes';
import { createHolderCheck } from './stream-holder-check';

/** How often open streams are checked for an ended session or a server shutting down. */
const SWEEP_MS = 1_000;

export interface ClientEvents {
  /** The handlers of the event rows of the route table, keyed `METHOD path`. */
  handlers: Record<string, Koa.Middleware>;
  fanout: EventFanout;
  /** The live subscription, the heartbeat and the sweep; stopping it closes every stream (`stream.closing`, shutdown). */
  start(): Promise<Running>;
}

/**
 * Live events for the browser (docs/events.md): the gateway's client event stream, the ticket bucket, the fan-out
 * and the routes over them, with the gateway's token check and the revocations it follows.
 */
export async function createClientEvents(runtime: ServiceRuntime, config: GatewayConfig, tokenCheck: TokenCheck): Promise<ClientEvents> {
  const { nats, logger } = runtime;
  await ensureClientEventStream(nats);
  const tickets = await createNatsTicketStore(nats, { ttlMs: config.EVENTS_TICKET_TTL_MS });
  const holders = createHolderCheck(tokenCheck);
  const metrics = createEventMetrics(runtime.metrics, () => fanout.openStreams);
  const fanout = new EventFanout(
    {
      maxStreams: config.EVENTS_MAX_STREAMS,
      maxStreamsPerUser: config.EVENTS_MAX_STREAMS_PER_USER,
      replayEvents: config.EVENTS_REPLAY_EVENTS,
      clientBufferBytes: config.EVENTS_CLIENT_BUFFER_BYTES,
    },
    metrics.streamClosed,
  );
  const jsm = await nats.connection.jetstreamManager();
  const { handlers, isShuttingDown } = createEventHandlers({
    fanout,
    tickets,
    holders,
    retryMs: config.EVENTS_RETRY_MS,
    streamLastSeq: async () => (await jsm.streams.info(CLIENT_EVENT_STREAM)).state.last_seq,
  });

  return {
    handlers,
    fanout,
    start: async () => {
      const feed = await followClientEvents(nats, fanout, { replayEvents: config.EVENTS_REPLAY_EVENTS, logger });
      const heartbeat = setInterval(() => fanout.heartbeat(), config.EVENTS_HEARTBEAT_MS);
      // A stream outlives the request that opened it: it ends when its session does, and as soon as the server
      // stops listening (SIGTERM), so clients reconnect to another replica instead of holding the shutdown open.
      const sweep = setInterval(() => {
        if (isShuttingDown()) fanout.closeAll('shutdown');
        else fanout.closeWhere((holder) => (holders.isRevoked(holder) ? 'session-ended' : undefined));
      }, SWEEP_MS);
      return {
        stop: async () => {
          clearInterval(heartbeat);
          clearInterval(sweep);
          fanout.closeAll('shutdown');
          await feed.stop();
        },
      };
    },
  };
}

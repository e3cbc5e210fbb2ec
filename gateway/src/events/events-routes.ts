import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { eventStreamQuerySchema } from '@playbook/contract';
import { parseOrThrow, ServiceUnavailableError, UnauthorizedError, ValidationError } from '@playbook/kit';
import type Koa from 'koa';
import type { EventFanout, EventSink, StreamHolder, StreamStart } from './event-fanout';
import type { TicketStore } from './event-tickets';
import { retryFrame } from './sse-frames';
import type { HolderCheck } from './stream-holder-check';

export interface EventRoutesDeps {
  fanout: EventFanout;
  tickets: TicketStore;
  holders: HolderCheck;
  /** The newest position of the client event stream, asked only for a resume position ahead of this replica. */
  streamLastSeq: () => Promise<number>;
  retryMs: number;
}

/** A stream whose client stopped reading is cut off this long after its last frame, whatever the client does. */
const END_GRACE_MS = 5_000;

/** The HTTP response as an EventSink. */
function responseSink(res: ServerResponse): EventSink {
  return {
    write: (frame) => {
      if (!res.writableEnded && !res.destroyed) res.write(frame);
      return res.writableLength;
    },
    end: (lastFrame) => {
      if (res.writableEnded) return;
      res.end(lastFrame);
      setTimeout(() => res.destroy(), END_GRACE_MS).unref();
    },
  };
}

const POSITION = /^\d{1,15}$/;

/** `Last-Event-ID` (EventSource's reconnect) or `?lastEventId=` (a new EventSource after a new ticket). */
function lastEventIdOf(ctx: Koa.Context, fromQuery: string | undefined): number | undefined {
  const raw = ctx.get('last-event-id') || fromQuery;
  if (!raw) return undefined;
  if (!POSITION.test(raw)) throw new ValidationError('Last-Event-ID must be the id of an event this stream sent');
  return Number(raw);
}

/** The HTTP server a request came in on, to tell whether it is shutting down (it no longer listens then). */
const serverOf = (ctx: Koa.Context) => (ctx.req.socket as Socket & { server?: Server }).server;

/**
 * The handlers of `POST /api/events/ticket` and `GET /api/events` (keyed `METHOD path`, like the gateway's other
 * own rows), and whether the server they serve has begun shutting down.
 */
export function createEventHandlers(deps: EventRoutesDeps) {
  const servers = new Set<Server>();

  const startOf = async (lastEventId: number | undefined): Promise<StreamStart> => {
    if (lastEventId === undefined || lastEventId <= deps.fanout.latestSeq) return { lastEventId };
    // Ahead of this replica: another one has seen further (this one follows within milliseconds), or the position is
    // from before the stream was made anew, which nothing can resume.
    return { lastEventId, historyLost: lastEventId > (await deps.streamLastSeq()) };
  };

  const handlers: Record<string, Koa.Middleware> = {
    'POST /api/events/ticket': async function issueEventTicket(ctx) {
      const holder = await deps.holders.fromBearer(ctx);
      ctx.body = { ticket: await deps.tickets.issue(holder) };
    },

    'GET /api/events': async function eventStream(ctx) {
      // The ticket is spent before anything else: the access log writes the URL after the answer, by when a ticket in it is worthless.
      const ticket = typeof ctx.query.ticket === 'string' ? ctx.query.ticket : undefined;
      const holder: StreamHolder = ticket !== undefined ? await deps.tickets.redeem(ticket) : await deps.holders.fromBearer(ctx);
      if (deps.holders.isRevoked(holder)) throw new UnauthorizedError('The session has ended; sign in again');
      const query = parseOrThrow(eventStreamQuerySchema, ctx.query, 'query');
      const lastEventId = lastEventIdOf(ctx, query.lastEventId);
      const server = serverOf(ctx);
      if (server && !server.listening) throw new ServiceUnavailableError('This server is shutting down; reconnect');
      const start = await startOf(lastEventId);
      const stream = deps.fanout.open(
        holder,
        () => {
          if (server) servers.add(server);
          ctx.status = 200;
          ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
          ctx.set('Cache-Control', 'no-store');
          // nginx (ingress-nginx) would otherwise hold events back in its buffer.
          ctx.set('X-Accel-Buffering', 'no');
          ctx.respond = false;
          ctx.req.socket.setTimeout(0);
          ctx.req.socket.setNoDelay(true);
          ctx.res.writeHead(200);
          ctx.res.write(retryFrame(deps.retryMs));
          return responseSink(ctx.res);
        },
        start,
      );
      ctx.res.once('close', () => deps.fanout.close(stream));
    },
  };
  return { handlers, isShuttingDown: () => [...servers].some((server) => !server.listening) };
}

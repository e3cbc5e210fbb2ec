import type { Subscription } from 'nats';
import type { z } from 'zod';
import { toProblemDetails } from '../errors/problem-details';
import type { Logger } from '../logging/logger';
import { runWithRequestContext } from '../logging/request-context';
import { inSpan, natsAttributes, SpanKind } from '../tracing/trace-context';
import type { NatsHandle } from './nats-connection';
import { encodeJson, parseMessage, requestIdOf, type Reply } from './nats-messages';

export interface ServeRequestsOptions<S extends z.ZodType> {
  subject: string;
  schema: S;
  /** Replicas of one service share requests through a queue group. */
  queue: string;
  logger: Logger;
  handle: (data: z.infer<S>) => Promise<unknown>;
}

export interface RequestResponder {
  /** Stops taking requests and answers the ones already received. */
  stop(): Promise<void>;
}

/** Answers request/reply messages: each is validated, handled with its request id in context, and replied to with a Reply envelope. */
export function serveRequests<S extends z.ZodType>(nats: NatsHandle, options: ServeRequestsOptions<S>): RequestResponder {
  const { subject, schema, queue, logger, handle } = options;
  const subscription: Subscription = nats.connection.subscribe(subject, {
    queue,
    callback: (error, message) => {
      if (error) {
        logger.error(`subscription ${subject} failed: ${error.message}`);
        return;
      }
      const requestId = requestIdOf(message.headers) ?? 'nats';
      const span = { kind: SpanKind.SERVER, attributes: natsAttributes(subject, 'process'), carrier: message.headers };
      void runWithRequestContext({ requestId }, () => inSpan(`process ${subject}`, span, async () => {
        let reply: Reply<unknown>;
        try {
          reply = { ok: true, data: await handle(parseMessage(schema, message.data, `${message.subject} message`)) };
        } catch (thrown) {
          const problem = toProblemDetails(thrown, requestId);
          if (problem.status >= 500) logger.error(`${subject} failed: ${(thrown as Error)?.message}`, { stack: (thrown as Error)?.stack });
          reply = { ok: false, error: { status: problem.status, code: problem.type.split(':').pop() ?? 'internal', title: problem.title, detail: problem.detail } };
        }
        message.respond(encodeJson(reply));
        if (logger.isLevelEnabled('debug')) logger.debug(`${subject} answered${reply.ok ? '' : ` ${reply.error.status}`}`);
      }));
    },
  });
  return { stop: () => subscription.drain() };
}

import type { JsMsg } from 'nats';
import type { z } from 'zod';
import type { Logger } from '../logging/logger';
import { runWithRequestContext } from '../logging/request-context';
import { inSpan, natsAttributes, SpanKind } from '../tracing/trace-context';
import type { NatsHandle } from './nats-connection';
import { parseMessage, requestIdOf } from './nats-messages';

export interface ConsumeMessagesOptions<S extends z.ZodType> {
  /** The stream and durable pull consumer to take messages from (created by the caller). */
  stream: string;
  durable: string;
  schema: S;
  logger: Logger;
  /** Messages handled at once by this process. */
  concurrency: number;
  /** The consumer's ack wait: a handler still running is reported in progress every third of it, so JetStream never hands its message to another replica meanwhile. */
  ackWaitMs: number;
  /** The consumer's max deliveries: a failure on the last one gives the message up. */
  maxDeliveries: number;
  /** Acks the message when it resolves; must be safe to run twice for one message (a redelivery after a crash). */
  handle: (data: z.infer<S>, delivery: number) => Promise<void>;
  /** After a failure that will be retried, before the nak. */
  onRetry?: (data: z.infer<S>, error: Error, delivery: number) => Promise<void>;
  /** A failure no retry can mend (what it works on is gone): the message is given up at once. */
  isPermanent?: (error: Error) => boolean;
  /** After the last delivery failed or a permanent failure, before the message is terminated. */
  onGiveUp?: (data: z.infer<S>, error: Error, delivery: number) => Promise<void>;
  /** Wait before the next delivery of a failed message; exponential from 1 s up to 10 s by default. */
  retryDelayMs?: (delivery: number) => number;
}

export interface MessageConsumer {
  /** Stops pulling, lets the messages in hand finish, then returns. */
  stop(): Promise<void>;
}

const exponentialDelay = (delivery: number) => Math.min(10_000, 1_000 * 2 ** (delivery - 1));

/**
 * The one consumer loop of every JetStream consumer (domain events, the PDF work queue): pulls `concurrency`
 * messages at a time, reads each with its schema (a malformed one is terminated, never retried), runs the
 * handler with the message's request id in context and a heartbeat, acks on success, naks with a backoff on
 * failure and gives up after the last delivery.
 */
export async function consumeMessages<S extends z.ZodType>(nats: NatsHandle, options: ConsumeMessagesOptions<S>): Promise<MessageConsumer> {
  const consumer = await nats.connection.jetstream().consumers.get(options.stream, options.durable);
  let stopping = false;
  const inHand = new Set<Promise<void>>();

  const loop = async () => {
    while (!stopping) {
      let message: JsMsg | null;
      try {
        message = await consumer.next({ expires: 2_000 });
      } catch (error) {
        if (stopping || nats.connection.isClosed()) return;
        options.logger.warn(`pulling from ${options.durable} failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (!message) continue;
      if (stopping) {
        message.nak();
        return;
      }
      const handling = handleMessage(message, options);
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

async function handleMessage<S extends z.ZodType>(message: JsMsg, options: ConsumeMessagesOptions<S>): Promise<void> {
  const { logger } = options;
  const requestId = requestIdOf(message.headers) ?? `${options.durable}-${message.seq}`;
  // The work continues the trace of whoever published the message, and links back to that span too: a queued job
  // runs after the request that queued it may have answered, and a trace backend shows it as "follows from".
  const span = { kind: SpanKind.CONSUMER, attributes: { ...natsAttributes(message.subject, 'process'), 'messaging.consumer.group.name': options.durable }, carrier: message.headers, linkCarrier: true };
  await runWithRequestContext({ requestId }, () => inSpan(`process ${message.subject}`, span, async () => {
    let data: z.infer<S>;
    try {
      data = parseMessage(options.schema, message.data, `${message.subject} message`);
    } catch (error) {
      logger.error(`dropping a malformed ${message.subject} message (seq ${message.seq}): ${(error as Error).message}`);
      message.term();
      return;
    }
    const delivery = message.info.redeliveryCount;
    const heartbeat = setInterval(() => message.working(), Math.max(1_000, Math.floor(options.ackWaitMs / 3)));
    try {
      await options.handle(data, delivery);
      await message.ackAck();
    } catch (thrown) {
      const error = thrown as Error;
      if (options.isPermanent?.(error) || delivery >= options.maxDeliveries) {
        logger.error(`${message.subject} message given up after delivery ${delivery}: ${error.message}`);
        await options.onGiveUp?.(data, error, delivery).catch((failure: unknown) => logger.error(`giving up ${message.subject} message failed: ${(failure as Error).message}`));
        message.term();
      } else {
        logger.warn(`${message.subject} message failed (delivery ${delivery}), will retry: ${error.message}`);
        await options.onRetry?.(data, error, delivery).catch(() => undefined);
        message.nak((options.retryDelayMs ?? exponentialDelay)(delivery));
      }
    } finally {
      clearInterval(heartbeat);
    }
  }));
}

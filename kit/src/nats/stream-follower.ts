import { setTimeout as delay } from 'node:timers/promises';
import type { ConsumerMessages, JsMsg, OrderedConsumerOptions } from 'nats';
import type { Logger } from '../logging/logger';
import type { NatsHandle } from './nats-connection';

const RETRY_MS = 1_000;

export interface FollowStreamOptions {
  stream: string;
  /** Where an ordered consumer starts; asked again at every restart, so a restart can resume after what was seen. */
  start: () => Partial<OrderedConsumerOptions>;
  /** Each message, with its JSON payload (undefined when it is not JSON). */
  onMessage: (message: JsMsg, data: unknown) => void;
  /** What is followed, for the log line when following fails, e.g. `token revocations`. */
  what: string;
  logger: Logger;
}

export interface StreamFollower {
  /** Resolves when following ends: the connection closed, or `stop`. */
  ended: Promise<void>;
  /** Stops following and resolves once the consumer has stopped. */
  stop(): Promise<void>;
}

/**
 * Follows a JetStream stream with an ordered consumer, live, a few milliseconds behind the publisher. The client
 * names ordered consumers itself (and deletes its old one when it starts over), so a follower needs no durable of
 * its own. Retries every second while the stream does not exist yet or NATS is away; ends with the connection or `stop`.
 */
export function followStream(nats: NatsHandle, options: FollowStreamOptions): StreamFollower {
  let stopping = false;
  let messages: ConsumerMessages | undefined;
  const ended = () => stopping || nats.connection.isClosed();
  const run = async () => {
    while (!ended()) {
      try {
        const consumer = await nats.connection.jetstream().consumers.get(options.stream, options.start());
        messages = await consumer.consume();
        // `stop` may have come while the consumer was being made.
        if (stopping) messages.stop();
        for await (const message of messages) {
          let data: unknown;
          try {
            data = message.json();
          } catch {
            data = undefined;
          }
          options.onMessage(message, data);
        }
      } catch (error) {
        if (ended()) break;
        options.logger.warn(`following ${options.what} failed, retrying in a second: ${(error as Error).message}`);
      }
      if (!ended()) await delay(RETRY_MS, undefined, { ref: false });
    }
  };
  const running = run();
  return {
    ended: running,
    stop: async () => {
      stopping = true;
      messages?.stop();
      await running;
    },
  };
}

import { setTimeout as delay } from 'node:timers/promises';
import { DeliverPolicy, type ConsumerMessages } from 'nats';
import type { Revocation, RevocationList } from '../auth/revocations';
import type { Logger } from '../logging/logger';
import { REVOCATION_STREAM } from './jetstream-events';
import type { NatsHandle } from './nats-connection';

/** Which events revoke access tokens, and how long a revocation matters (the longest access token lifetime). */
export interface RevocationFeed {
  subjects: string[];
  /** The revocation an event means, or undefined for a message that is none (or malformed). */
  toRevocation: (subject: string, data: unknown) => Revocation | undefined;
  keepSeconds: number;
}

const RETRY_MS = 1_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Keeps `list` up to date from the revocation stream (`ensureRevocationStream`): an ordered consumer that starts `keepSeconds` back (so a
 * verifier started after a revocation still knows it) and then follows live, a few milliseconds behind the
 * publisher. Retries every second while the stream does not exist yet or NATS is away; ends with the connection.
 */
export function followRevocations(nats: NatsHandle, list: RevocationList, feed: RevocationFeed, logger: Logger): void {
  const run = async () => {
    while (!nats.connection.isClosed()) {
      let messages: ConsumerMessages | undefined;
      try {
        const consumer = await nats.connection.jetstream().consumers.get(REVOCATION_STREAM, {
          filterSubjects: feed.subjects,
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: new Date(Date.now() - feed.keepSeconds * 1000).toISOString(),
        });
        messages = await consumer.consume();
        for await (const message of messages) {
          let data: unknown;
          try {
            data = message.json();
          } catch {
            continue;
          }
          const revocation = feed.toRevocation(message.subject, data);
          if (revocation) list.add(revocation);
        }
      } catch (error) {
        if (nats.connection.isClosed()) break;
        logger.warn(`following token revocations failed, retrying in a second: ${(error as Error).message}`);
      }
      if (!nats.connection.isClosed()) await delay(RETRY_MS, undefined, { ref: false });
    }
  };
  const pruner = setInterval(() => list.prune(Math.floor(Date.now() / 1000)), PRUNE_EVERY_MS).unref();
  void run().finally(() => clearInterval(pruner));
}

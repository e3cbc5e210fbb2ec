import { DeliverPolicy } from 'nats';
import type { Revocation, RevocationList } from '../auth/revocations';
import type { Logger } from '../logging/logger';
import { REVOCATION_STREAM } from './jetstream-events';
import type { NatsHandle } from './nats-connection';
import { followStream } from './stream-follower';

/** Which events revoke access tokens, and how long a revocation matters (the longest access token lifetime). */
export interface RevocationFeed {
  subjects: string[];
  /** The revocation an event means, or undefined for a message that is none (or malformed). */
  toRevocation: (subject: string, data: unknown) => Revocation | undefined;
  keepSeconds: number;
}

const PRUNE_EVERY_MS = 60_000;

/**
 * Keeps `list` up to date from the revocation stream (`ensureRevocationStream`): an ordered consumer that starts `keepSeconds` back (so a
 * verifier started after a revocation still knows it) and then follows live, a few milliseconds behind the
 * publisher. Retries every second while the stream does not exist yet or NATS is away; ends with the connection.
 */
export function followRevocations(nats: NatsHandle, list: RevocationList, feed: RevocationFeed, logger: Logger): void {
  const follower = followStream(nats, {
    stream: REVOCATION_STREAM,
    start: () => ({
      filterSubjects: feed.subjects,
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Date.now() - feed.keepSeconds * 1000).toISOString(),
    }),
    onMessage: (message, data) => {
      const revocation = data === undefined ? undefined : feed.toRevocation(message.subject, data);
      if (revocation) list.add(revocation);
    },
    what: 'token revocations',
    logger,
  });
  const pruner = setInterval(() => list.prune(Math.floor(Date.now() / 1000)), PRUNE_EVERY_MS).unref();
  void follower.ended.finally(() => clearInterval(pruner));
}

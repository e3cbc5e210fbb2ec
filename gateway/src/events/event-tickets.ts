import { createHash, randomBytes } from 'node:crypto';
import { EVENT_TICKET_BUCKET } from '@playbook/contract';
import { UnauthorizedError } from '@playbook/kit';
import { ensureStream, type NatsHandle } from '@playbook/kit/nats';
import { DiscardPolicy, nanos, NatsError, RetentionPolicy, StorageType, type KV } from 'nats';
import { z } from 'zod';
import type { StreamHolder } from './event-fanout';

/** Single-use tickets for `GET /api/events?ticket=`, shared by every gateway replica. */
export interface TicketStore {
  issue(holder: StreamHolder): Promise<string>;
  /** The holder of a ticket, which is spent by this; a 401 for an unknown, expired or spent one. */
  redeem(ticket: string): Promise<StreamHolder>;
}

const holderSchema = z.object({ userId: z.string().min(1), sessionId: z.string().optional(), issuedAtSeconds: z.number() });
const TICKET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** JetStream's "wrong last sequence": the key changed since it was read. */
const WRONG_LAST_SEQUENCE = 10071;

class TicketRefusedError extends UnauthorizedError {
  constructor() {
    super('The ticket is unknown, expired or already used; ask POST /api/events/ticket for a new one');
  }
}

/** A ticket is stored under its hash: whoever can read the bucket still cannot redeem what is in it. */
const keyOf = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

/**
 * Creates or updates the ticket bucket's stream (a JetStream key-value bucket): in memory, one value per key,
 * forgotten after the ticket lifetime. Made here rather than by nats.js, which leaves an existing bucket's
 * lifetime as it was.
 */
async function ensureTicketBucket(nats: NatsHandle, ttlMs: number): Promise<KV> {
  await ensureStream(nats, {
    name: `KV_${EVENT_TICKET_BUCKET}`,
    subjects: [`$KV.${EVENT_TICKET_BUCKET}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.Memory,
    max_msgs_per_subject: 1,
    max_age: nanos(ttlMs),
    duplicate_window: nanos(ttlMs),
    discard: DiscardPolicy.New,
    allow_rollup_hdrs: true,
    deny_delete: true,
    allow_direct: true,
  });
  return nats.connection.jetstream().views.kv(EVENT_TICKET_BUCKET, { bindOnly: true, allow_direct: true });
}

/**
 * Tickets in a NATS key-value bucket: 32 random bytes, bound to the holder (user and session) that asked. Redeeming
 * deletes the key on the condition that it is still the revision read, so of two replicas redeeming one ticket at
 * once exactly one succeeds; the lifetime is checked against the ticket's creation time, not left to the bucket's
 * clean-up.
 */
export async function createNatsTicketStore(nats: NatsHandle, options: { ttlMs: number }): Promise<TicketStore> {
  const bucket = await ensureTicketBucket(nats, options.ttlMs);
  return {
    issue: async (holder) => {
      const ticket = randomBytes(32).toString('base64url');
      await bucket.create(keyOf(ticket), JSON.stringify(holder));
      return ticket;
    },
    redeem: async (ticket) => {
      if (!TICKET_SHAPE.test(ticket)) throw new TicketRefusedError();
      const key = keyOf(ticket);
      const entry = await bucket.get(key);
      if (!entry || entry.operation !== 'PUT' || Date.now() - entry.created.getTime() > options.ttlMs) throw new TicketRefusedError();
      try {
        await bucket.delete(key, { previousSeq: entry.revision });
      } catch (error) {
        // Another request spent it first; anything else (NATS away) is not the ticket's fault.
        if (error instanceof NatsError && error.api_error?.err_code === WRONG_LAST_SEQUENCE) throw new TicketRefusedError();
        throw error;
      }
      const holder = holderSchema.safeParse(JSON.parse(entry.string()));
      if (!holder.success) throw new TicketRefusedError();
      return holder.data;
    },
  };
}

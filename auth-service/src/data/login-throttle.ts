import { insertClaim } from '@playbook/kit/mongo';
import type { Logger } from '@playbook/kit';
import type { Connection } from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginThrottle } from '../domain/ports';
import { ensureTtlIndex } from './indexes';

export interface LoginThrottleSettings {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
}

const COLLECTION = 'login_throttle';
const TURNS = 'login_turns';
/** A turn older than this belongs to a sign-in whose process died mid-check (argon2 takes well under a second). */
const TURN_STALE_MS = 30_000;

/** One email's sign-in in progress; inserting it takes the turn (the one write FerretDB refuses atomically when taken). */
interface TurnDocument {
  _id: string;
  turnId: string;
  startedAt: Date;
}

/**
 * Sign-in attempts counted per email and per client IP with rate-limiter-flexible's MongoDB store, so every
 * replica sees the same counts. After `maxFailuresPerEmail` failures in the window the email waits
 * `backoffBase`, doubling with each further failure up to `backoffMax`: a guesser slows down fast, while
 * the owner is never locked out for longer than `backoffMax` after the last failure.
 */
export async function createLoginThrottle(connection: Connection, settings: LoginThrottleSettings, logger: Logger): Promise<LoginThrottle> {
  const store = { storeClient: connection.db, tableName: COLLECTION, disableIndexesCreation: true };
  const emailFailures = new RateLimiterMongo({ ...store, keyPrefix: 'fail_email', points: settings.maxFailuresPerEmail, duration: settings.windowSeconds });
  const ipFailures = new RateLimiterMongo({ ...store, keyPrefix: 'fail_ip', points: settings.maxFailuresPerIp, duration: settings.windowSeconds });
  const emailBlocks = new RateLimiterMongo({ ...store, keyPrefix: 'block_email', points: 1, duration: settings.backoffMaxSeconds });
  // The library's own index creation stops at the TTL index FerretDB lacks, before the unique one it needs.
  await connection.collection(COLLECTION).createIndex({ key: 1 }, { unique: true });
  await ensureTtlIndex(connection, COLLECTION, 'expire', logger);
  const turns = connection.db!.collection<TurnDocument>(TURNS);
  const insertTurn = (email: string, turnId: string) => insertClaim(() => turns.insertOne({ _id: email, turnId, startedAt: new Date() }));

  const consumedOnRejection = (outcome: unknown) => {
    if (outcome instanceof RateLimiterRes) return outcome;
    throw outcome;
  };
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    async retryAfter(email, ip) {
      const [block, ipState] = await Promise.all([emailBlocks.get(email), ipFailures.get(ip)]);
      const waits = [
        block && block.consumedPoints > 1 ? block.msBeforeNext : 0,
        ipState && ipState.consumedPoints >= settings.maxFailuresPerIp ? ipState.msBeforeNext : 0,
      ];
      const wait = Math.max(...waits);
      return wait > 0 ? seconds(wait) : undefined;
    },
    async recordAttempt(email, ip) {
      const [emailState] = await Promise.all([
        emailFailures.consume(email).catch(consumedOnRejection),
        ipFailures.consume(ip).catch(consumedOnRejection),
      ]);
      const beyond = emailState.consumedPoints - settings.maxFailuresPerEmail;
      if (beyond < 0) return;
      const backoff = Math.min(settings.backoffBaseSeconds * 2 ** Math.min(beyond, 20), settings.backoffMaxSeconds);
      await emailBlocks.block(email, backoff);
    },
    async recordSuccess(email, ip) {
      await Promise.all([emailFailures.delete(email), emailBlocks.delete(email), ipFailures.reward(ip, 1)]);
    },
    async claimTurn(email, turnId) {
      if (await insertTurn(email, turnId)) return true;
      const held = await turns.findOne({ _id: email });
      if (!held || Date.now() - held.startedAt.getTime() < TURN_STALE_MS) return false;
      await turns.deleteOne({ _id: email, turnId: held.turnId });
      return insertTurn(email, turnId);
    },
    async releaseTurn(email, turnId) {
      await turns.deleteOne({ _id: email, turnId });
    },
  };
}

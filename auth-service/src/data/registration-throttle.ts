import type { Connection } from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import type { RegistrationThrottle } from '../domain/ports';

const HOUR_SECONDS = 3600;

/** Sign-ups per client IP and hour, in the login throttle's collection (rate-limiter-flexible's MongoDB store). */
export async function createRegistrationThrottle(connection: Connection, settings: { perIpPerHour: number }): Promise<RegistrationThrottle> {
  const signUps = new RateLimiterMongo({ storeClient: connection.db, tableName: 'login_throttle', disableIndexesCreation: true, keyPrefix: 'register_ip', points: settings.perIpPerHour, duration: HOUR_SECONDS });
  return {
    async consume(ip) {
      try {
        await signUps.consume(ip);
        return undefined;
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) throw outcome;
        return Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
      }
    },
  };
}

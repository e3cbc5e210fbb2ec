import type Koa from 'koa';
import { TooManyRequestsError } from '../errors/app-error';

export interface InFlightLimitOptions {
  /** Requests handled at once; one more is refused at once instead of queueing until a proxy times out. */
  limit: number;
  /** Which requests count (e.g. only writes). */
  applies: (ctx: Koa.Context) => boolean;
  retryAfterSeconds?: number;
}

/** Load shedding: past `limit` requests in flight, answer 429 with Retry-After (back-pressure, not a 504 later). */
export function inFlightLimitMiddleware({ limit, applies, retryAfterSeconds = 1 }: InFlightLimitOptions): Koa.Middleware {
  let inFlight = 0;
  return async function inFlightLimitMiddleware(ctx, next) {
    if (!applies(ctx)) return next();
    if (inFlight >= limit) throw new TooManyRequestsError(retryAfterSeconds, 'The service is busy with other changes, retry shortly');
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}

import { TooManyRequestsError } from '@playbook/kit';
import type Koa from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

declare module 'koa' {
  interface DefaultState {
    /** The least allowance left among the limits applied so far: the RateLimit-* headers describe that limit. */
    rateLimitRemaining?: number;
  }
}

export interface RateLimitOptions {
  /** Names the limit in logs and keys, e.g. `ip` or `user`. */
  name: string;
  points: number;
  windowSeconds: number;
  /** The key to count under; undefined skips the limit (e.g. no signed-in user). */
  keyOf: (ctx: Koa.Context) => string | undefined;
}

/**
 * A fixed-window limit with the RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) and 429 +
 * Retry-After when spent. Counters live in this process: each gateway replica limits on its own.
 * When two limits apply, the headers describe the one with less left.
 */
export function rateLimitMiddleware(options: RateLimitOptions): Koa.Middleware {
  const limiter = new RateLimiterMemory({ keyPrefix: options.name, points: options.points, duration: options.windowSeconds });
  const advertise = (ctx: Koa.Context, result: RateLimiterRes) => {
    const remaining = Math.max(0, result.remainingPoints);
    const shown = ctx.state.rateLimitRemaining;
    if (shown !== undefined && shown <= remaining) return;
    ctx.state.rateLimitRemaining = remaining;
    ctx.set('RateLimit-Limit', String(options.points));
    ctx.set('RateLimit-Remaining', String(remaining));
    ctx.set('RateLimit-Reset', String(Math.ceil(result.msBeforeNext / 1000)));
  };
  return async function rateLimitMiddleware(ctx, next) {
    const key = options.keyOf(ctx);
    if (key === undefined) return next();
    try {
      advertise(ctx, await limiter.consume(key));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      advertise(ctx, rejection);
      throw new TooManyRequestsError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    return next();
  };
}

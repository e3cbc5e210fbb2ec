import { PayloadTooLargeError } from '@playbook/kit';
import type Koa from 'koa';

/**
 * A declared body over the limit but under this is read and thrown away after the 413, so the client, still
 * sending, gets to read the answer: closing at once makes the kernel reset the connection over the unread
 * bytes, and a slow client (seen on a busy machine) then sees a reset instead of the 413. Bigger uploads are
 * cut, so nobody can make the gateway read gigabytes.
 */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Refuses a declared body over the limit before anything is sent on. Chunked bodies declare no length; the
 * proxy counts those as they stream (ProxyExchange.countedBody) and closes the connection on its 413.
 */
export function bodyLimitMiddleware(limitBytes: number): Koa.Middleware {
  return async function bodyLimitMiddleware(ctx, next) {
    const declared = ctx.request.length;
    if (declared !== undefined && declared > limitBytes) {
      if (declared > DRAIN_LIMIT_BYTES) ctx.set('Connection', 'close');
      throw new PayloadTooLargeError(`The request body is larger than ${limitBytes} bytes`);
    }
    try {
      await next();
    } catch (error) {
      if ((error as { status?: number }).status === 413) ctx.set('Connection', 'close');
      throw error;
    }
  };
}

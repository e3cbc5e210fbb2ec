import { PayloadTooLargeError } from '@playbook/kit';
import type Koa from 'koa';

/**
 * Refuses a declared body over the limit before anything is sent on. Chunked bodies declare no length; the
 * proxy counts those as they stream (ProxyExchange.watchBody). Either way the client gets 413 and the
 * connection is closed, so the rest of a large upload is not read.
 */
export function bodyLimitMiddleware(limitBytes: number): Koa.Middleware {
  return async function bodyLimitMiddleware(ctx, next) {
    const declared = ctx.request.length;
    if (declared !== undefined && declared > limitBytes) {
      ctx.set('Connection', 'close');
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

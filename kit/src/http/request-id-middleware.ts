import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { runWithRequestContext } from '../logging/request-context';

export const REQUEST_ID_HEADER = 'x-request-id';
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Takes a well-formed `x-request-id` from the caller or makes one; every log line and NATS message of the request carries it. */
export function requestIdMiddleware(): Koa.Middleware {
  return async function requestIdMiddleware(ctx, next) {
    const given = ctx.get(REQUEST_ID_HEADER);
    const requestId = WELL_FORMED_REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set(REQUEST_ID_HEADER, requestId);
    await runWithRequestContext({ requestId }, next);
  };
}

import { bodyParser } from '@koa/bodyparser';
import type Koa from 'koa';
import { UnsupportedMediaTypeError } from '../errors/app-error';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A request with a body must say it is JSON (415 otherwise); the body is parsed up to `limit` (413 beyond). */
export function jsonBodyMiddleware(limit = '1mb'): Koa.Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, jsonStrict: true, encoding: 'utf-8', parsedMethods: [...METHODS_WITH_BODY] });
  return async function jsonBodyMiddleware(ctx, next) {
    const hasBody = METHODS_WITH_BODY.has(ctx.method) && (ctx.request.length > 0 || ctx.get('transfer-encoding') !== '');
    if (hasBody && !ctx.is('application/json', '+json')) throw new UnsupportedMediaTypeError();
    return parse(ctx, next);
  };
}

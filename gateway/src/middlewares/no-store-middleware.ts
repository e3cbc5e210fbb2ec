import type Koa from 'koa';

/** API answers carry personal data and tokens: no cache keeps them unless a route says otherwise. */
export function noStoreMiddleware(): Koa.Middleware {
  return async function noStoreMiddleware(ctx, next) {
    ctx.set('Cache-Control', 'no-store');
    return next();
  };
}

import cors from '@koa/cors';
import type Koa from 'koa';

/**
 * CORS for the listed origins only (exact match): they get credentials and their preflight is answered here;
 * any other origin gets no CORS headers at all, so the browser blocks it.
 */
export function corsMiddleware(allowedOrigins: string[]): Koa.Middleware {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (ctx) => (allowed.has(ctx.get('origin')) ? ctx.get('origin') : ''),
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposeHeaders: ['x-request-id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After', 'Content-Disposition', 'Location', 'ETag'],
    maxAge: 600,
  });
}

import type Koa from 'koa';
import type { Logger } from '../logging/logger';

/** One line per request, after the answer: `POST /api/projects (201) - 0.012s`. Probes log at debug only. */
export function accessLogMiddleware(logger: Logger, quietPaths: string[] = ['/healthz', '/readyz', '/metrics']): Koa.Middleware {
  return async function accessLogMiddleware(ctx, next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const level = quietPaths.includes(ctx.path) ? 'debug' : 'info';
      // winston formats (timestamp, …) before it filters by level: skip the work for lines nobody keeps.
      if (logger.isLevelEnabled(level)) logger.log(level, `${ctx.method} ${ctx.originalUrl} (${ctx.status}) - ${seconds.toFixed(3)}s`);
    }
  };
}

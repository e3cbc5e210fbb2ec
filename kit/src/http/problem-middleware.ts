import type Koa from 'koa';
import type { Logger } from '../logging/logger';
import {
  AppError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors/app-error';
import { toProblemDetails } from '../errors/problem-details';
import { currentTraceIds } from '../tracing/trace-context';

/**
 * The driver's "cannot reach the database" errors (MongoDB/mongoose, by name so no driver import is
 * needed), and mongoose's "buffering timed out" (an operation queued while disconnected): a dependency is
 * down, 503, not a bug (docs/reliability.md: a database outage answers 503 meanwhile).
 */
const DATABASE_UNAVAILABLE = /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|PoolCleared|TopologyClosed)Error$/;

/**
 * A socket error that reached a request unwrapped: the MongoDB driver writing to a connection the database
 * closed ("This socket has been ended by the other party", EPIPE) throws Node's own error, not a MongoError.
 */
const LOST_SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ERR_STREAM_WRITE_AFTER_END']);

/** Errors thrown by Koa's ecosystem (co-body, http-errors) carry a status; give them our shape. */
function toAppError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { name = '', message = '', stack = '' } = (error ?? {}) as Error;
  // Bulk writes wrap the connection error (MongoBulkWriteError: connect ECONNREFUSED …).
  const lostConnection = name.startsWith('Mongo') && /ECONNREFUSED|ECONNRESET|EPIPE|connection \S+ to \S+ closed|Topology is closed|not connected/i.test(message);
  if (DATABASE_UNAVAILABLE.test(name) || lostConnection || /buffering timed out/.test(message)) {
    return new ServiceUnavailableError('The database is unavailable', error);
  }
  if (LOST_SOCKET_CODES.has(String((error as { code?: unknown })?.code))) {
    return new ServiceUnavailableError(/[/\\]mongodb[/\\]/.test(stack) ? 'The database is unavailable' : 'A dependency is unavailable', error);
  }
  const status = (error as { status?: unknown })?.status;
  if (status === 413) return new PayloadTooLargeError();
  if (status === 415) return new UnsupportedMediaTypeError();
  if (status === 400) return new ValidationError('The request body is not valid JSON');
  if (status === 404) return new NotFoundError();
  if (typeof status === 'number' && status >= 400 && status < 500 && (error as { expose?: boolean }).expose) {
    return new AppError(status, 'client-error', (error as Error).message);
  }
  return error;
}

/** Turns every error into RFC 9457 problem+json; 500s are logged with their stack and say nothing to the client. */
export function problemMiddleware(logger: Logger): Koa.Middleware {
  return async function problemMiddleware(ctx, next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFoundError(`No route for ${ctx.method} ${ctx.path}`);
    } catch (thrown) {
      const error = toAppError(thrown);
      // The trace id when tracing (it finds the whole request in the trace backend), else the request id (it finds its log lines).
      const problem = toProblemDetails(error, currentTraceIds()?.traceId ?? ctx.state.requestId);
      if (problem.status >= 500) logger.error(`${ctx.method} ${ctx.path} failed: ${(error as Error)?.message}`, { stack: (error as Error)?.stack });
      if (error instanceof AppError && error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.retryAfterSeconds));
      if (error instanceof AppError && error.headers) ctx.set(error.headers);
      ctx.status = problem.status;
      ctx.body = problem;
      ctx.type = 'application/problem+json';
    }
  };
}

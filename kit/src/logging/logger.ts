import winston from 'winston';
import { currentTraceIds } from '../tracing/trace-context';
import { currentRequestId } from './request-context';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** `pretty` for people (development), `json` for log collectors (production). */
  format?: 'pretty' | 'json';
  /** Extra transport, e.g. tests capturing lines. */
  transports?: winston.transport[];
}

/** The request id and, when tracing, the trace and span the line was written in (a log backend links them to the trace). */
const addRequestId = winston.format((info) => {
  const requestId = currentRequestId();
  if (requestId && !info.requestId) info.requestId = requestId;
  const ids = currentTraceIds();
  if (ids && !info.trace_id) {
    info.trace_id = ids.traceId;
    info.span_id = ids.spanId;
  }
  return info;
});

// 2025-01-15 10:30:45 [INFO] [a3b2c1d4] POST /api/projects (201) - 0.012s
// and, when tracing: … - 0.012s trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
const prettyLine = winston.format.printf((info) => {
  const { timestamp, level, message, requestId, service, stack, trace_id: traceId, span_id: spanId, ...rest } = info;
  const id = typeof requestId === 'string' ? ` [${requestId.slice(0, 8)}]` : '';
  const traced = typeof traceId === 'string' ? ` trace_id=${traceId} span_id=${String(spanId)}` : '';
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  const trace = typeof stack === 'string' ? `\n${stack}` : '';
  return `${String(timestamp)} [${level.toUpperCase()}] [${String(service)}]${id} ${String(message)}${traced}${extra}${trace}`;
});

/** `LOG_FORMAT` when set, otherwise JSON in production and pretty lines elsewhere. */
export function logFormatFor(settings: { NODE_ENV: string; LOG_FORMAT?: 'pretty' | 'json' }): 'pretty' | 'json' {
  return settings.LOG_FORMAT ?? (settings.NODE_ENV === 'production' ? 'json' : 'pretty');
}

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format === 'json'
    ? winston.format.combine(addRequestId(), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json())
    : winston.format.combine(
        addRequestId(),
        winston.format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss' }),
        winston.format.errors({ stack: true }),
        prettyLine,
      );
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format,
    transports: options.transports ?? [new winston.transports.Console()],
  });
}

import winston from 'winston';
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

const addRequestId = winston.format((info) => {
  const requestId = currentRequestId();
  if (requestId && !info.requestId) info.requestId = requestId;
  return info;
});

// 2025-01-15 10:30:45 [INFO] [a3b2c1d4] POST /api/projects (201) - 0.012s
const prettyLine = winston.format.printf((info) => {
  const { timestamp, level, message, requestId, service, stack, ...rest } = info;
  const id = typeof requestId === 'string' ? ` [${requestId.slice(0, 8)}]` : '';
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  const trace = typeof stack === 'string' ? `\n${stack}` : '';
  return `${String(timestamp)} [${level.toUpperCase()}] [${String(service)}]${id} ${String(message)}${extra}${trace}`;
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

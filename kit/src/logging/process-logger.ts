import { z } from 'zod';
import { baseConfigSchema } from '../config/env-types';
import { createLogger, logFormatFor, type Logger } from './logger';

/**
 * The logging variables of `baseConfigSchema`, read before the service's own configuration: that one may be
 * what fails, and its error must still come out in the configured format. A bad value here falls back to its
 * default; the full configuration check then names it.
 */
const processLogSchema = z.object({
  NODE_ENV: baseConfigSchema.shape.NODE_ENV.catch('development'),
  LOG_LEVEL: baseConfigSchema.shape.LOG_LEVEL.catch('info'),
  LOG_FORMAT: baseConfigSchema.shape.LOG_FORMAT.catch(undefined),
});

export interface ProcessLogger {
  service: string;
  format: 'pretty' | 'json';
  logger: Logger;
}

/** The logger for what a service process itself reports (start-up, Node warnings, fatal errors), set up from the environment alone. */
export function createProcessLogger(service: string, env: NodeJS.ProcessEnv = process.env): ProcessLogger {
  const settings = processLogSchema.parse(env);
  const format = logFormatFor(settings);
  return { service, format, logger: createLogger({ service, level: settings.LOG_LEVEL, format }) };
}

import type { ProcessLogger } from '../logging/process-logger';

const MESSAGE = Symbol.for('message');

/**
 * Writes the line that ends the process to stderr and exits with code 1. In JSON it is one line formatted by
 * the logger itself, written synchronously because the process exits right after (winston's streams would
 * not flush); for people it is the bare message, followed by the stack of an unexpected `error`.
 */
export function exitWithFatalError(processLogger: ProcessLogger, message: string, error?: unknown): never {
  const { service, format, logger } = processLogger;
  const cause = error instanceof Error ? error : undefined;
  if (format === 'json') {
    const details = error === undefined ? {} : { error: cause ? { name: cause.name, code: (cause as NodeJS.ErrnoException).code, stack: cause.stack } : String(error) };
    const info = logger.format.transform({ level: 'error', message, service, ...details }) as Record<symbol, unknown>;
    process.stderr.write(`${String(info[MESSAGE])}\n`);
  } else {
    process.stderr.write(`${message}${cause?.stack ? `\n${cause.stack}` : ''}\n`);
  }
  process.exit(1);
}

/**
 * Takes over what Node itself would print: warnings (deprecations and the like) become log lines instead of
 * Node's plain `(node:1) [DEP…] …` text, and an uncaught exception or unhandled rejection ends the process
 * with one fatal line.
 */
export function routeProcessEvents(processLogger: ProcessLogger): void {
  // Node's own warning printer is a 'warning' listener; removing it leaves the logger as the only writer.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    processLogger.logger.warn(warning.message, { warning: warning.name, code: (warning as NodeJS.ErrnoException).code });
  });
  process.on('uncaughtException', (error) => exitWithFatalError(processLogger, `${processLogger.service}: uncaught exception: ${error.message}`, error));
  process.on('unhandledRejection', (reason) =>
    exitWithFatalError(processLogger, `${processLogger.service}: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`, reason),
  );
}

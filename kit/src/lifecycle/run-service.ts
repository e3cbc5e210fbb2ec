import { ConfigError } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { createProcessLogger } from '../logging/process-logger';
import { exitWithFatalError, routeProcessEvents } from './process-events';

/** What a started service hands back: where it listens and how to stop it in order. */
export interface RunningService {
  /** A URL on the loopback interface, for callers on the same machine. */
  url: string;
  /** The bound address as the kernel reports it, e.g. `0.0.0.0:8080`. */
  address: string;
  port: number;
  /** Where `/metrics` is served when it has a port of its own (METRICS_PORT); absent, it is on the service port. */
  metrics?: { url: string; address: string; port: number };
  logger: Logger;
  /** Stop taking work, finish in-flight work, drain NATS, close the database. */
  stop(): Promise<void>;
}

/**
 * The process entry point of every service: starts it, stops it cleanly on SIGTERM/SIGINT and exits 0.
 * Everything the process prints goes through the logger, so in production (JSON) every line on stdout and
 * stderr is JSON: Node's warnings, and the one line of a fatal error (bad configuration, a port in use, an
 * unreachable database, an uncaught exception), after which it exits with code 1.
 */
export function runService(name: string, start: () => Promise<RunningService>): void {
  const processLogger = createProcessLogger(name);
  routeProcessEvents(processLogger);
  Promise.resolve().then(start).then(
    (service) => {
      service.logger.info(`${name} listening on ${service.address}`, { address: service.address, metricsAddress: service.metrics?.address, node: process.version });
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        service.logger.info(`${signal} received, shutting down`);
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            service.logger.error(`shutdown failed: ${(error as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    },
    (error: unknown) => {
      if (error instanceof ConfigError) exitWithFatalError(processLogger, error.message);
      exitWithFatalError(processLogger, `${name} failed to start: ${error instanceof Error ? error.message : String(error)}`, error);
    },
  );
}

/** Runs shutdown steps in order, each bounded, logging rather than stopping at a failing step. */
export async function runShutdownSteps(logger: Logger, steps: Array<[string, () => Promise<unknown>]>): Promise<void> {
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (error) {
      logger.warn(`shutdown step "${name}" failed: ${(error as Error).message}`);
    }
  }
}

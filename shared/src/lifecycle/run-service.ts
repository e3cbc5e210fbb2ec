import { ConfigError } from '../config/load-config';
import type { Logger } from '../logging/logger';

/** What a started service hands back: where it listens and how to stop it in order. */
export interface RunningService {
  url: string;
  port: number;
  logger: Logger;
  /** Stop taking work, finish in-flight work, drain NATS, close the database. */
  stop(): Promise<void>;
}

/**
 * The process entry point of every service: starts it, stops it cleanly on SIGTERM/SIGINT and exits 0,
 * and turns a configuration error into one line on stderr and exit code 1.
 */
export function runService(name: string, start: () => Promise<RunningService>): void {
  Promise.resolve().then(start).then(
    (service) => {
      service.logger.info(`${name} listening on ${service.url}`);
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
      const message = error instanceof ConfigError ? error.message : `${name} failed to start: ${(error as Error)?.stack ?? String(error)}`;
      process.stderr.write(`${message}\n`);
      process.exit(1);
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

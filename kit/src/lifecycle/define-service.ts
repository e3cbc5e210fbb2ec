import type Koa from 'koa';
import type { z } from 'zod';
import { loadConfig } from '../config/load-config';
import type { BaseConfig } from '../config/env-types';
import type { Logger } from '../logging/logger';
import type { MongoHandle } from '../mongo/mongo-connection';
import { startTracing } from '../tracing/start-tracing';
import { runService, runShutdownSteps, type RunningService } from './run-service';
import { listen, openServiceRuntime, type ServiceRuntime } from './service-runtime';

/** A step of an ordered shutdown: its name (logged when it fails) and what it does. */
export type StopStep = [string, () => Promise<unknown>];

/** What a service part gets: the opened connections, the parsed config and the service's dependencies. */
export interface ServiceContext<C, D> {
  runtime: ServiceRuntime;
  config: C;
  deps: D;
}

/** Something running beside the HTTP server (a NATS responder, a consumer, a timer): how to stop it. */
export interface Running {
  stop(): Promise<unknown>;
}

/** A part started beside the HTTP server: its name (logged when stopping it fails) and how to start it. */
export type BackgroundPart = readonly [name: string, start: () => Running | Promise<Running>];

/**
 * One service, declared: in the spirit of a Moleculer service schema, every `main.ts` is one of these. The kit
 * owns the order: config → NATS (and the database) → `setup` → `dependencies` → `background` (responders,
 * consumers, workers, timers) → `http` → listening. It owns the ordered shutdown (stop taking requests, finish
 * them, stop the background parts in reverse, `stop` hooks, drain NATS, close the database) and the cleanup when
 * any start step fails (what was started so far, in the same order).
 */
export interface ServiceDefinition<S extends z.ZodObject, D, O = undefined> {
  /** The process name in logs and metrics, e.g. `project-service`. */
  name: string;
  /** Every variable the service reads. */
  config: S;
  /** Opens the service's own database (`openDatabase` from `@playbook/kit/mongo`); omitted for a service without data. */
  database?: (config: z.infer<S>) => (logger: Logger) => Promise<MongoHandle>;
  /** Idempotent set-up before anything uses NATS or the database: streams, consumers, data migrations. */
  setup?: (runtime: ServiceRuntime, config: z.infer<S>) => Promise<void>;
  /** Builds what the routes, handlers and consumers use: repositories, publishers, use cases. */
  dependencies: (runtime: ServiceRuntime, config: z.infer<S>, options: O) => Promise<D>;
  /** Starts what runs beside the HTTP server, each by name; stopped in reverse order on shutdown. */
  background?: (context: ServiceContext<z.infer<S>, D>) => ReadonlyArray<BackgroundPart>;
  /** The HTTP app. */
  http: (context: ServiceContext<z.infer<S>, D>, options: O) => Koa;
  /** Last steps before NATS drains, after the background parts stopped (e.g. closing a browser). */
  stop?: (context: ServiceContext<z.infer<S>, D>) => StopStep[];
}

/** A started service: where it listens, how to stop it, and its dependencies (tests reach into them). */
export type StartedService<D> = RunningService & { deps: D };

export interface DefinedService<S extends z.ZodObject, D, O> {
  name: string;
  /** Starts it with a parsed config; tests pass a capturing logger and their own options. */
  start(config: z.infer<S>, logger?: Logger, options?: O): Promise<StartedService<D>>;
  /** The process entry point: config from the environment, SIGTERM/SIGINT handled, exit codes set. */
  run(): void;
}

type WithPort = BaseConfig & { PORT: number };

export function defineService<S extends z.ZodObject, D, O = undefined>(definition: ServiceDefinition<S, D, O>): DefinedService<S, D, O> {
  const start = async (config: z.infer<S> & WithPort, logger?: Logger, options?: O): Promise<StartedService<D>> => {
    // Before anything opens: the first NATS message and database call already belong to a trace.
    const tracing = startTracing(config, definition.name);
    const runtime = await openServiceRuntime({ name: definition.name, config, openDatabase: definition.database?.(config), logger }).catch(async (error: unknown) => {
      await tracing.shutdown();
      throw error;
    });
    const background: StopStep[] = [];
    let finalSteps: StopStep[] = [];
    // Reverse start order for the background parts, then the final hooks: the same on shutdown and on a failed start.
    const stopSteps = () => [...[...background].reverse(), ...finalSteps];
    try {
      await definition.setup?.(runtime, config);
      const deps = await definition.dependencies(runtime, config, options as O);
      const context: ServiceContext<z.infer<S>, D> = { runtime, config, deps };
      finalSteps = definition.stop?.(context) ?? [];
      for (const [name, begin] of definition.background?.(context) ?? []) {
        const running = await begin();
        background.push([name, () => running.stop()]);
      }
      const service = await listen(runtime, definition.http(context, options as O), { port: config.PORT, beforeDisconnect: stopSteps() });
      // The spans of the last requests leave after everything else stopped.
      const stop = () => service.stop().finally(() => runShutdownSteps(runtime.logger, [['tracing', () => tracing.shutdown()]]));
      return { ...service, stop, deps };
    } catch (error) {
      runtime.logger.error(`${definition.name} failed to start, stopping what started: ${(error as Error).message}`);
      await runShutdownSteps(runtime.logger, [...stopSteps(), ['nats', () => runtime.nats.drain()], ['database', () => runtime.mongo?.close() ?? Promise.resolve()], ['tracing', () => tracing.shutdown()]]);
      throw error;
    }
  };
  return {
    name: definition.name,
    start: start as DefinedService<S, D, O>['start'],
    run: () => runService(definition.name, () => start(loadConfig(definition.config) as z.infer<S> & WithPort)),
  };
}

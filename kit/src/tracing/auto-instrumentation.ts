import type { Instrumentation } from '@opentelemetry/instrumentation';
import { tracingConfiguredIn } from './tracing-config';

let registered = false;

/**
 * The MongoDB driver's instrumentation, which the OpenTelemetry project maintains: a span per database command.
 * HTTP requests get the kit's own server span (serverSpanMiddleware) instead of the http, Koa and undici
 * instrumentations, which made the gateway a third slower (docs/benchmarks.md, "Tracing on and off").
 */
function createInstrumentations(): Instrumentation[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  return [new MongoDBInstrumentation({ dbStatementSerializer: (command) => Object.keys(command).join(' ') })];
}

/**
 * Patches the MongoDB driver as it is loaded, when the environment configures tracing. It must run before the
 * driver is first required (the instrumentation hooks `require`), so the kit's entry points import it first,
 * ahead of any configuration; the spans are recorded once `startTracing` has set the tracer provider (until
 * then they are no-ops). Without an endpoint nothing is loaded.
 */
export function instrumentModulesWhenTracing(env: NodeJS.ProcessEnv): void {
  if (tracingConfiguredIn(env)) instrumentModules();
}

/** Registers the instrumentations once per process. */
export function instrumentModules(): void {
  if (registered) return;
  registered = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  registerInstrumentations({ instrumentations: createInstrumentations() });
}

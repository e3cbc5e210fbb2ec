import type { Instrumentation } from '@opentelemetry/instrumentation';
import { tracingConfiguredIn } from './tracing-config';

let registered = false;

/** Strips a client's own `traceparent`/`tracestate` from a proxied request: the instrumentation adds the gateway's span there, and two would make the service start a new trace. */
function dropForwardedTraceHeaders(request: { headers: unknown }): void {
  const isTraceHeader = (name: unknown) => typeof name === 'string' && /^trace(parent|state)$/i.test(name);
  if (Array.isArray(request.headers)) {
    const kept: unknown[] = [];
    for (let i = 0; i < request.headers.length; i += 2) if (!isTraceHeader(request.headers[i])) kept.push(request.headers[i], request.headers[i + 1]);
    request.headers.length = 0;
    request.headers.push(...kept);
  } else if (typeof request.headers === 'string') {
    request.headers = request.headers.replace(/^trace(parent|state):[^\r\n]*\r\n/gim, '');
  }
}

/** The instrumentations the OpenTelemetry project maintains for what the services use: node:http, Koa, the MongoDB driver and undici (the gateway's proxy). */
function createInstrumentations(): Instrumentation[] {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { KoaInstrumentation } = require('@opentelemetry/instrumentation-koa') as typeof import('@opentelemetry/instrumentation-koa');
  const { MongoDBInstrumentation } = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const quiet = new Set(['/healthz', '/readyz', '/metrics']);
  return [
    new HttpInstrumentation({
      // Probes and scrapes are not requests anyone traces.
      ignoreIncomingRequestHook: (request) => quiet.has((request.url ?? '').split('?')[0] ?? ''),
      // No service calls out over node:http (the gateway's proxy is undici); the OTLP export must not trace itself.
      disableOutgoingRequestInstrumentation: true,
    }),
    // One span per router layer (the route), none per middleware: a dozen spans a request cost more than they tell.
    new KoaInstrumentation({ ignoreLayersType: ['middleware' as never] }),
    new MongoDBInstrumentation({ dbStatementSerializer: (command) => Object.keys(command).join(' ') }),
    new UndiciInstrumentation({ requestHook: (_span, request) => dropForwardedTraceHeaders(request as unknown as { headers: unknown }) }),
  ];
}

/**
 * Patches node:http, Koa, the MongoDB driver and undici as they are loaded, when the environment configures
 * tracing. It must run before those modules are first required (the instrumentations hook `require`), so the
 * kit's entry points import it first, ahead of any configuration; the spans are recorded once `startTracing`
 * has set the tracer provider (until then they are no-ops). Without an endpoint nothing is loaded.
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

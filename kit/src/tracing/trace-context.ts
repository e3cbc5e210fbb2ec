import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Link, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/**
 * Trace context for the kit's own spans (NATS) and for logs and metrics, on the OpenTelemetry API alone: with
 * tracing off (`startTracing` never set a provider) every function here returns after one branch.
 */
let tracing = false;
/** The kit's tracer, looked up once the provider is registered: a lookup per span showed in the gateway's CPU profile. */
let kitTracer = trace.getTracer('@playbook/kit');

/** Set by startTracing once the tracer provider is registered, cleared by its shutdown. */
export function setTracingActive(active: boolean): void {
  tracing = active;
  kitTracer = trace.getTracer('@playbook/kit');
}

export function isTracingActive(): boolean {
  return tracing;
}

export interface TraceIds {
  traceId: string;
  spanId: string;
  /** Whether the trace is kept (sampled): only then does a collector have it. */
  sampled: boolean;
}

/** The trace and span of the code running now, for log lines, problem+json and exemplars. */
export function currentTraceIds(): TraceIds | undefined {
  if (!tracing) return undefined;
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { traceId, spanId, sampled: (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
}

/** Carries headers of any shape that can get and set a string: NATS `MsgHdrs`. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
  keys(): string[];
}

const setter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };
const getter: TextMapGetter<HeaderCarrier | undefined> = {
  get: (carrier, key) => carrier?.get(key) || undefined,
  keys: (carrier) => carrier?.keys() ?? [],
};

/** Writes the current trace context (W3C `traceparent`/`tracestate`) into outgoing message headers. */
export function injectTraceContext(headers: HeaderCarrier): void {
  if (tracing) propagation.inject(context.active(), headers, setter);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Message headers whose trace context continues here (a NATS request, event or job). */
  carrier?: HeaderCarrier;
  /** Also link the carrier's span (a queued job: the consumer span points back at the request that queued it). */
  linkCarrier?: boolean;
}

function parentAndLinks(options: SpanOptions): { parent: Context; links: Link[] } {
  if (!options.carrier) return { parent: context.active(), links: [] };
  const parent = propagation.extract(ROOT_CONTEXT, options.carrier, getter);
  const linked = options.linkCarrier ? trace.getSpanContext(parent) : undefined;
  return { parent, links: linked ? [{ context: linked, attributes: { 'messaging.operation.type': 'receive' } }] : [] };
}

/** Runs `fn` inside a span named `name` (ended when it settles, marked as an error when it throws). */
export async function inSpan<T>(name: string, options: SpanOptions, fn: () => Promise<T>): Promise<T> {
  if (!tracing) return fn();
  const { parent, links } = parentAndLinks(options);
  return kitTracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parent, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span around a piece of a service's own work (a render, a store), for the steps no instrumentation sees. */
export function traced<T>(name: string, fn: () => Promise<T>, attributes?: Attributes): Promise<T> {
  return inSpan(name, { attributes }, fn);
}

/** The attributes of a span about a NATS subject (OpenTelemetry's messaging conventions). */
export const natsAttributes = (subject: string, operation: 'send' | 'receive' | 'process' | 'publish'): Attributes => ({
  'messaging.system': 'nats',
  'messaging.destination.name': subject,
  'messaging.operation.type': operation,
});

/** An HTTP request as the server span sees it. */
export interface ServerRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** How the request ended: its route pattern (when a route matched) and status. */
export interface ServerOutcome {
  route?: string;
  status: number;
}

/**
 * Runs `handle` inside the server span of one HTTP request, continuing the caller's `traceparent` (W3C Trace
 * Context: a frontend's trace, or the gateway's hop). The span is named by the route once it is known and is an
 * error for a 5xx. The kit makes it itself rather than with OpenTelemetry's http and Koa instrumentations: those
 * cost the gateway a third of its throughput (docs/benchmarks.md, "Tracing on and off").
 */
export async function inServerSpan(request: ServerRequest, handle: () => Promise<void>, outcome: () => ServerOutcome): Promise<void> {
  if (!tracing) return handle();
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = kitTracer.startSpan(request.method, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': request.method, 'url.path': request.path },
  }, parent);
  try {
    await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    span.recordException(error as Error);
    throw error;
  } finally {
    const { route, status } = outcome();
    if (route) span.updateName(`${request.method} ${route}`);
    span.setAttributes(route ? { 'http.route': route, 'http.response.status_code': status } : { 'http.response.status_code': status });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute('error.type', String(status));
    span.end();
  }
}

/**
 * Makes a proxied request's `traceparent`/`tracestate` the current span's, so the service continues the
 * gateway's span; the client's own pair is replaced (its `tracestate` travels on inside the span's, as W3C Trace
 * Context asks), or dropped when tracing is off.
 */
export function forwardTraceContext(headers: IncomingHttpHeaders): void {
  delete headers.traceparent;
  delete headers.tracestate;
  if (tracing) propagation.inject(context.active(), headers);
}

export { SpanKind };

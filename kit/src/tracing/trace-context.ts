import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Link, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/**
 * Trace context for the kit's own spans (NATS) and for logs and metrics, on the OpenTelemetry API alone: with
 * tracing off (`startTracing` never set a provider) every function here returns after one branch.
 */
let tracing = false;

/** Set by startTracing once the tracer provider is registered, cleared by its shutdown. */
export function setTracingActive(active: boolean): void {
  tracing = active;
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
  const tracer = trace.getTracer('@playbook/kit');
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parent, async (span) => {
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

export { SpanKind };

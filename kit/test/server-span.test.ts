import Router from '@koa/router';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createMetrics, createServiceApp, currentTraceIds, startHttpServer, type HttpServerHandle } from '@playbook/kit';
import { forwardTraceContext, setTracingActive } from '../src/tracing/trace-context';
import { createCapturingLogger } from '../../test/support/test-env';

const SERVER = 1; // SpanKind.SERVER

/** The kit's own server span (serverSpanMiddleware), recorded in memory: what a collector would receive. */
describe('the server span of a request, when tracing', () => {
  const exporter = new InMemorySpanExporter();
  let server: HttpServerHandle;
  let seenInside: { traceId?: string; forwarded?: Record<string, unknown> } = {};

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    setTracingActive(true);
    const app = createServiceApp({ logger: createCapturingLogger('kit').logger, metrics: createMetrics('kit'), readiness: {} });
    const router = new Router();
    router.get('/things/:id', (ctx) => {
      // What the gateway does to a request it proxies.
      const forwarded = { ...ctx.req.headers };
      forwardTraceContext(forwarded);
      seenInside = { traceId: currentTraceIds()?.traceId, forwarded };
      ctx.body = { id: ctx.params.id };
    });
    router.get('/boom', () => {
      throw new Error('broken');
    });
    app.use(router.routes());
    server = await startHttpServer(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await server?.close(1000);
    setTracingActive(false);
    trace.disable();
    propagation.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it("continues the caller's trace, names the span by its route, and hands the trace on to a proxied request", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${server.url}/things/42?x=1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, tracestate: 'vendor=client' } });
    expect(response.status).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'GET /things/:id', kind: SERVER, parentSpanContext: { spanId: '00f067aa0ba902b7' } });
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.attributes).toEqual({ 'http.request.method': 'GET', 'url.path': '/things/42', 'http.route': '/things/:id', 'http.response.status_code': 200 });
    expect(seenInside.traceId).toBe(traceId);
    // The service behind sees the gateway's span as its parent, not the client's; the client's tracestate travels on (W3C).
    expect(seenInside.forwarded).toMatchObject({ traceparent: `00-${traceId}-${span!.spanContext().spanId}-01`, tracestate: 'vendor=client' });
  });

  it('starts a trace for a request without one, and marks a 5xx as an error', async () => {
    expect((await fetch(`${server.url}/boom`)).status).toBe(500);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'GET /boom', parentSpanContext: undefined, status: { code: 2 } });
    expect(span!.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
  });

  it('traces no probe or scrape, and names an unmatched request by its method alone', async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/metrics`);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.attributes['http.route']])).toEqual([['GET', undefined]]);
  });
});

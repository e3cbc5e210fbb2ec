import { randomBytes } from 'node:crypto';
import { startOtelCollector, type CollectedSpan, type TestOtelCollector } from '../support/otel-collector';
import type { StackServiceName, TestStack } from '../support/stack';
import { answers, ApiClient, type Session } from './support/api-client';
import { startSystemStack } from './support/system-stack';

/** OTLP span kinds. */
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

/** A W3C traceparent as a frontend would send it: a fresh trace, this span its root, sampled. */
function frontendTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** True when `span` lies under `ancestor` in its trace (following parent ids). */
function isUnder(spans: CollectedSpan[], span: CollectedSpan, ancestor: CollectedSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) if (parent.spanId === ancestor.spanId) return true;
  return false;
}

/** The work queue's delivery of the job `request` queued: under it in the trace, and linked to it ("follows from"). */
function expectLinkedDelivery(spans: CollectedSpan[], request: CollectedSpan): CollectedSpan {
  const delivery = spans.find((s) => s.service === 'pdf-service' && s.kind === CONSUMER && s.name === 'process pdf.v1.work.render');
  expect(delivery && isUnder(spans, delivery, request)).toBe(true);
  expect(delivery!.links.length).toBe(1);
  const queuedBy = spans.find((s) => s.spanId === delivery!.links[0]!.spanId);
  expect(queuedBy && (queuedBy.spanId === request.spanId || isUnder(spans, queuedBy, request))).toBe(true);
  return delivery!;
}

describe('tracing through the real stack, checked by a real OpenTelemetry Collector', () => {
  let collector: TestOtelCollector;
  let stack: TestStack;
  let api: ApiClient;
  let session: Session;
  const lines = new Map<StackServiceName, string>();

  beforeAll(async () => {
    collector = await startOtelCollector();
    stack = await startSystemStack({
      load: true,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        // project-service logs a snapshot request it answers at debug only.
        LOG_LEVEL: 'debug',
      },
      onOutput: (service, _stream, chunk) => lines.set(service, (lines.get(service) ?? '') + chunk.toString()),
    });
    api = new ApiClient(stack.gatewayUrl);
    session = await api.register('tracing');
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await collector?.stop();
  }, 60_000);

  it('follows one POST /api/generate-pdf from the gateway through pdf-service to project-service in one trace', async () => {
    const projectId = await api.createProject(session, 'Traced project');
    await api.saveAnswers(session, projectId, answers(3, (id) => `answer for ${id}`));
    const frontend = frontendTrace();

    const result = await api.call('POST', '/api/generate-pdf', { token: session.accessToken, body: { project_id: projectId }, headers: { traceparent: frontend.traceparent }, timeoutMs: 90_000 });
    expect([200, 202]).toContain(result.status);
    const requestId = String(result.headers['x-request-id']);

    const inTrace = (spans: CollectedSpan[]) => spans.filter((span) => span.traceId === frontend.traceId);
    const hasAll = (spans: CollectedSpan[]) => {
      const mine = inTrace(spans);
      return ['gateway', 'pdf-service', 'project-service'].every((service) => mine.some((span) => span.service === service)) &&
        mine.some((span) => span.name.startsWith('object-store put')) &&
        mine.some((span) => span.name === 'process pdf.v1.work.render') &&
        mine.some((span) => span.service === 'project-service' && span.attributes['db.system'] === 'mongodb' || span.attributes['db.system.name'] === 'mongodb');
    };
    const all = await collector.waitForSpans(hasAll, 90_000);
    const spans = inTrace(all);
    const describe = () => spans.map((s) => `${s.service} ${s.name} kind=${s.kind} id=${s.spanId} parent=${s.parentSpanId}`).join('\n');
    const one = (predicate: (span: CollectedSpan) => boolean, what: string) => {
      const found = spans.filter(predicate);
      if (found.length === 0) throw new Error(`no ${what} in the trace:\n${describe()}`);
      return found[0]!;
    };

    // The gateway continued the frontend's trace (W3C Trace Context) and called pdf-service inside it.
    const gatewayServer = one((s) => s.service === 'gateway' && s.kind === SERVER, 'gateway server span');
    expect(gatewayServer.parentSpanId).toBe(frontend.spanId);
    expect(gatewayServer.name).toBe('POST /api/generate-pdf');
    // pdf-service: its HTTP span under the gateway's, the snapshot request, the work queue's delivery of the job
    // linked to the request that queued it. A page was free, so the request rendered the PDF itself (render-here.ts):
    // the Chromium render (a step of pdf-service's own, no instrumentation sees it) and the store are its steps, and
    // the delivery, queued beside them so that a crash loses nothing, only waited for them.
    const pdfServer = one((s) => s.service === 'pdf-service' && s.kind === SERVER && s.parentSpanId === gatewayServer.spanId, 'pdf-service HTTP span');
    const snapshotRequest = one((s) => s.service === 'pdf-service' && s.kind === CLIENT && s.name === 'send project.v1.snapshot.get', 'snapshot request');
    expect(isUnder(spans, snapshotRequest, pdfServer)).toBe(true);
    expectLinkedDelivery(spans, pdfServer);
    const chromium = one((s) => s.service === 'pdf-service' && s.name === 'pdf.render', 'Chromium render span');
    expect(isUnder(spans, chromium, pdfServer)).toBe(true);
    const store = one((s) => s.service === 'pdf-service' && s.name === 'object-store put pdfs', 'store span');
    expect(isUnder(spans, store, pdfServer)).toBe(true);
    // project-service: the snapshot handler under pdf-service's request, and its database query under the handler.
    const snapshotHandler = one((s) => s.service === 'project-service' && s.kind === SERVER && s.name === 'process project.v1.snapshot.get' && s.parentSpanId === snapshotRequest.spanId, 'snapshot handler');
    one((s) => s.service === 'project-service' && (s.attributes['db.system'] === 'mongodb' || s.attributes['db.system.name'] === 'mongodb') && isUnder(spans, s, snapshotHandler), 'snapshot database query');
    // Exactly one trace: nothing of this request (its request id) went to a trace of its own.
    const otherRenders = all.filter((s) => s.name === 'process pdf.v1.work.render' && s.traceId !== frontend.traceId && s.links.some((link) => link.traceId === frontend.traceId));
    expect(otherRenders).toEqual([]);

    // Every log line of the request, in all three services, carries its trace id.
    for (const service of ['gateway', 'pdf-service', 'project-service'] as const) {
      const ofRequest = (lines.get(service) ?? '').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.requestId === requestId);
      expect({ service, lines: ofRequest.length > 0 }).toEqual({ service, lines: true });
      expect(ofRequest.filter((line) => line.trace_id !== frontend.traceId)).toEqual([]);
    }

    // The latency histogram keeps the trace as an exemplar (OpenMetrics), so a dashboard links from the slow bucket to it.
    const metrics = await (await fetch(`${stack.metricsUrl('gateway')}/metrics`, { headers: { accept: 'application/openmetrics-text' } })).text();
    const exemplars = metrics.split('\n').filter((line) => line.startsWith('http_request_duration_seconds_bucket{') && line.includes(`trace_id="${frontend.traceId}"`));
    expect(exemplars.length).toBe(1);
  }, 180_000);

  it('follows a PDF rendered on the work queue into its render and store, linked to the request that queued it', async () => {
    const projectId = await api.createProject(session, 'Queued traced project');
    await api.saveAnswers(session, projectId, answers(2, (id) => `queued answer for ${id}`));
    const frontend = frontendTrace();
    const result = await api.call('POST', `/api/projects/${projectId}/pdf`, { token: session.accessToken, headers: { traceparent: frontend.traceparent } });
    expect(result.status).toBe(202);
    const inTrace = (spans: CollectedSpan[]) => spans.filter((span) => span.traceId === frontend.traceId);
    const finished = (all: CollectedSpan[]) => ['object-store put pdfs', 'process pdf.v1.work.render'].every((name) => inTrace(all).some((span) => span.name === name));
    const spans = inTrace(await collector.waitForSpans(finished, 90_000));
    const describe = () => spans.map((s) => `${s.service} ${s.name} kind=${s.kind} id=${s.spanId} parent=${s.parentSpanId}`).join('\n');
    const pdfServer = spans.find((s) => s.service === 'pdf-service' && s.kind === SERVER);
    if (!pdfServer) throw new Error(`no pdf-service HTTP span in the trace:\n${describe()}`);
    const render = expectLinkedDelivery(spans, pdfServer);
    for (const name of ['pdf.render', 'object-store put pdfs']) {
      expect({ name, underTheQueuedRender: spans.some((s) => s.name === name && isUnder(spans, s, render)) }).toEqual({ name, underTheQueuedRender: true });
    }
  }, 120_000);

  it('answers a problem with the trace id as its traceId', async () => {
    const frontend = frontendTrace();
    const result = await api.call('POST', '/api/generate-pdf', { token: session.accessToken, body: { project_id: '000000000000000000000000' }, headers: { traceparent: frontend.traceparent } });
    expect(result.status).toBe(404);
    expect((JSON.parse(result.text) as { traceId?: string }).traceId).toBe(frontend.traceId);
  }, 60_000);
});

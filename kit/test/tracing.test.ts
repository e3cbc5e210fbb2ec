import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { baseConfigSchema, loadConfig, startTracing } from '@playbook/kit';
import { startOtelCollector, type TestOtelCollector } from '../../test/support/otel-collector';

const KIT_DIST = resolve(__dirname, '../dist');

/** The OpenTelemetry modules (other than the API) a fresh process has loaded after requiring the kit's entry points (built: `npx tsc -b`). */
function otelModulesLoadedWith(env: Record<string, string>): string[] {
  const script = `require(${JSON.stringify(`${KIT_DIST}/index.js`)}); require(${JSON.stringify(`${KIT_DIST}/nats.js`)});
    const names = Object.keys(require.cache).map((path) => /node_modules\\/(@opentelemetry\\/[^/]+)/.exec(path)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(names)].filter((name) => name !== '@opentelemetry/api').sort()));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' })) as string[];
}

describe('tracing in the kit', () => {
  it('loads nothing of OpenTelemetry but its API when no OTLP endpoint is set', () => {
    expect(otelModulesLoadedWith({})).toEqual([]);
    expect(otelModulesLoadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toEqual([]);
  });

  it('hooks the MongoDB driver as the kit loads, when an endpoint is set, and leaves the SDK to startTracing', () => {
    const loaded = otelModulesLoadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(loaded).toContain('@opentelemetry/instrumentation-mongodb');
    expect(loaded).not.toContain('@opentelemetry/sdk-trace');
    expect(loaded).not.toContain('@opentelemetry/exporter-trace-otlp-proto');
  });

  it('reads the OTEL_* variables and names a bad one', () => {
    expect(() => loadConfig(baseConfigSchema, { OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => loadConfig(baseConfigSchema, { OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/);
    expect(startTracing(loadConfig(baseConfigSchema, {}), 'off-service').enabled).toBe(false);
  });

  describe('with a collector', () => {
    let collector: TestOtelCollector;
    beforeAll(async () => {
      collector = await startOtelCollector();
    }, 120_000);
    afterAll(() => collector?.stop());

    // In a process of its own: the OTLP exporter loads its HTTP agent with a dynamic import, which jest's module system refuses.
    it('sends spans over OTLP, and puts their trace and span ids on log lines and exemplars', async () => {
      const script = `const kit = require(${JSON.stringify(`${KIT_DIST}/index.js`)});
        const { Writable } = require('node:stream');
        const { trace } = require('@opentelemetry/api');
        const winston = require('winston');
        const lines = [];
        const stream = new Writable({ write: (chunk, _encoding, done) => { lines.push(chunk.toString().trim()); done(); } });
        const tracing = kit.startTracing(kit.loadConfig(kit.baseConfigSchema), 'tracing-test');
        const metrics = kit.createMetrics('tracing-test', { exemplars: true });
        let ids;
        kit.traced('work', async () => {
          ids = trace.getActiveSpan().spanContext();
          for (const format of ['json', 'pretty']) kit.createLogger({ service: 'tracing-test', format, transports: [new winston.transports.Stream({ stream })] }).info('inside');
          const end = metrics.httpRequestDuration.startTimer();
          end({ service: 'tracing-test', method: 'GET', route: '/x', status: '200' }, { trace_id: ids.traceId });
        }).then(async () => {
          const exposition = await metrics.registry.metrics();
          await tracing.shutdown();
          console.log(JSON.stringify({ ids: { traceId: ids.traceId, spanId: ids.spanId }, lines, contentType: metrics.registry.contentType, exposition }));
        });`;
      const env = { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
      const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8', cwd: resolve(__dirname, '..') })) as { ids: { traceId: string; spanId: string }; lines: string[]; contentType: string; exposition: string };
      const { traceId, spanId } = out.ids;
      expect(JSON.parse(out.lines[0]!)).toMatchObject({ message: 'inside', trace_id: traceId, span_id: spanId });
      expect(out.lines[1]).toContain(`inside trace_id=${traceId} span_id=${spanId}`);
      expect(out.contentType).toContain('application/openmetrics-text');
      expect(out.exposition).toMatch(new RegExp(`http_request_duration_seconds_bucket\\{[^}]*le="0.005"[^}]*\\} 1 # \\{trace_id="${traceId}"\\} `));

      const spans = await collector.waitForSpans((received) => received.some((span) => span.traceId === traceId));
      expect(spans.find((span) => span.traceId === traceId)).toMatchObject({ service: 'tracing-test', name: 'work', spanId, parentSpanId: '' });
    });
  });
});

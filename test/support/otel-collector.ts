import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startProcess, waitForPort } from './processes';

/** The project's collector (scripts/otel-collector.sh builds the release tools/otel-collector pins), by path. */
export const OTELCOL = resolve(__dirname, '../../.bin/otelcol');

/** One span as the collector received it, flattened with the service that sent it. */
export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a trace's root. */
  parentSpanId: string;
  name: string;
  /** OTLP's numbers: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
}

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number; links?: Array<{ traceId: string; spanId: string }>; attributes?: OtlpAttribute[] }
interface OtlpTraces { resourceSpans?: Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> }

const valueOf = (value: OtlpValue): unknown => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
const attributesOf = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

/** The file exporter's JSON lines (one OTLP ExportTraceServiceRequest each) as spans. */
export function parseCollectedSpans(text: string): CollectedSpan[] {
  const spans: CollectedSpan[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    for (const resourceSpans of (JSON.parse(line) as OtlpTraces).resourceSpans ?? []) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind ?? 0,
            links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
            attributes: attributesOf(span.attributes),
          });
        }
      }
    }
  }
  return spans;
}

/**
 * A real OpenTelemetry Collector on a free loopback port: OTLP/HTTP in, every span written by the file exporter to
 * a temporary folder, where `spans()` reads what arrived. Built on first use when setup has not built it yet.
 */
export async function startOtelCollector() {
  if (!existsSync(OTELCOL)) execFileSync('bash', [resolve(__dirname, '../../scripts/otel-collector.sh')], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'playbook-otelcol-'));
  const port = await freePort();
  const output = join(dir, 'traces.jsonl');
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      'processors:',
      '  batch:',
      '    timeout: 100ms',
      'exporters:',
      '  file:',
      `    path: ${output}`,
      '    flush_interval: 100ms',
      'service:',
      '  telemetry:',
      '    metrics:',
      '      level: none',
      '  pipelines:',
      '    traces:',
      '      receivers: [otlp]',
      '      processors: [batch]',
      '      exporters: [file]',
      '',
    ].join('\n'),
  );
  const collector = startProcess(OTELCOL, ['--config', config], { PATH: process.env.PATH, HOME: process.env.HOME });
  try {
    await waitForPort(port, 30_000);
  } catch (error) {
    await collector.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${collector.output()}`);
  }
  const spans = () => (existsSync(output) ? parseCollectedSpans(readFileSync(output, 'utf8')) : []);
  return {
    /** OTEL_EXPORTER_OTLP_ENDPOINT for the services. */
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    /** Polls what arrived until `done` holds for it (spans come in batches, a second or so after they end). */
    async waitForSpans(done: (spans: CollectedSpan[]) => boolean, timeoutMs = 20_000): Promise<CollectedSpan[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const received = spans();
        if (done(received) || Date.now() > deadline) return received;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    output: () => collector.output(),
    async stop() {
      await collector.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type TestOtelCollector = Awaited<ReturnType<typeof startOtelCollector>>;

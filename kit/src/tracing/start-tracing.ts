import { instrumentModules } from './auto-instrumentation';
import { setTracingActive } from './trace-context';
import { tracesUrlOf, type TracingConfig } from './tracing-config';
import type { TracerHandle } from './tracing-sdk';

export interface Tracing {
  enabled: boolean;
  /** Sends the spans still waiting and stops tracing; the last shutdown step. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };
let started: { handle: TracerHandle; users: number } | undefined;

/**
 * Starts tracing for a service when its configuration names an OTLP endpoint (otherwise returns at once, having
 * loaded nothing). Called by defineService before the service opens anything; a second service in the same
 * process (tests) shares the first one's provider.
 */
export function startTracing(config: TracingConfig, serviceName: string): Tracing {
  const url = tracesUrlOf(config);
  if (!url) return OFF;
  if (!started) {
    // Normally done already by the kit's entry points; a service started in a test process without the variables set at load time gets it here.
    instrumentModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startTracerProvider } = require('./tracing-sdk') as typeof import('./tracing-sdk');
    started = { handle: startTracerProvider(config, url, config.OTEL_SERVICE_NAME ?? serviceName), users: 0 };
    setTracingActive(true);
  }
  const current = started;
  current.users++;
  let stopped = false;
  return {
    enabled: true,
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      if (--current.users > 0) return;
      started = undefined;
      setTracingActive(false);
      await current.handle.shutdown();
    },
  };
}

import client from 'prom-client';

/**
 * One registry per service process: prom-client's defaults plus the HTTP and NATS histograms every service
 * has. Services register their domain metrics on `registry`.
 */
export interface ServiceMetrics {
  registry: client.Registry;
  httpRequestDuration: client.Histogram<'service' | 'method' | 'route' | 'status'>;
  natsRequestDuration: client.Histogram<'service' | 'subject' | 'outcome'>;
  service: string;
  /** True when `/metrics` has a server of its own (METRICS_PORT): the service port then answers 404 for it. */
  ownPort: boolean;
}

export interface MetricsOptions {
  /** Serve `/metrics` on a port of its own rather than beside the API (default false). */
  ownPort?: boolean;
  /**
   * Trace ids as exemplars on the request-duration histogram (when tracing): a latency panel links to the traces
   * behind its slow buckets. Exemplars exist only in the OpenMetrics exposition, which the registry then serves.
   */
  exemplars?: boolean;
}

export function createMetrics(service: string, options: MetricsOptions = {}): ServiceMetrics {
  const registry = new client.Registry();
  if (options.exemplars) registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE as never);
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status',
    labelNames: ['service', 'method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
    enableExemplars: options.exemplars ?? false,
  });
  const natsRequestDuration = new client.Histogram({
    name: 'nats_request_duration_seconds',
    help: 'NATS request/reply duration by subject and outcome',
    labelNames: ['service', 'subject', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  return { registry, httpRequestDuration, natsRequestDuration, service, ownPort: options.ownPort ?? false };
}

export { client as promClient };

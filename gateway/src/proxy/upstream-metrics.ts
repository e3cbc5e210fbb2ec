import { promClient, type ServiceMetrics } from '@playbook/kit';

export type UpstreamDuration = promClient.Histogram<'route' | 'method' | 'status' | 'upstream'>;

/** Time until a service's response head arrived (or the request failed), by route pattern, status and service. */
export function createUpstreamDuration(metrics: ServiceMetrics): UpstreamDuration {
  return new promClient.Histogram({
    name: 'gateway_upstream_duration_seconds',
    help: 'Proxied requests: time until the service answered, by route pattern, status and upstream service',
    labelNames: ['route', 'method', 'status', 'upstream'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [metrics.registry],
  });
}

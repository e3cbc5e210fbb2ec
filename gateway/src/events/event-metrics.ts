import { streamClosingClientEventSchema, type StreamClosingReason } from '@playbook/contract';
import { promClient, type ServiceMetrics } from '@playbook/kit';

/** Open event streams (read when scraped) and the streams the gateway ended, by reason. */
export function createEventMetrics(metrics: ServiceMetrics, openStreams: () => number) {
  new promClient.Gauge({
    name: 'gateway_event_streams',
    help: 'Open live event streams (GET /api/events) on this replica',
    registers: [metrics.registry],
    collect() {
      this.set(openStreams());
    },
  });
  const closed = new promClient.Counter({
    name: 'gateway_event_streams_closed_total',
    help: 'Live event streams the gateway ended: shutdown, session-ended or too-slow (a client that stopped reading)',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
  });
  // Every reason is exported from the start, at 0, so the dashboard's rate() has a series before the first close.
  for (const reason of streamClosingClientEventSchema.shape.reason.options) closed.inc({ reason }, 0);
  return { streamClosed: (reason: StreamClosingReason) => closed.inc({ reason }) };
}

import { promClient, type ServiceMetrics } from '@playbook/kit';

/** pdf-service's domain metrics, registered on the service's registry. */
export interface PdfMetrics {
  renderDuration: promClient.Histogram<'outcome'>;
  renderQueueDepth: promClient.Gauge;
  jobQueueDepth: promClient.Gauge;
  pagesInUse: promClient.Gauge;
  browserRestarts: promClient.Counter<'reason'>;
  jobs: promClient.Counter<'status'>;
  cacheRequests: promClient.Counter<'result'>;
}

export function createPdfMetrics(metrics: ServiceMetrics): PdfMetrics {
  const registers = [metrics.registry];
  return {
    renderDuration: new promClient.Histogram({
      name: 'pdf_render_duration_seconds',
      help: 'Time from HTML to PDF bytes in Chromium, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30],
      registers,
    }),
    renderQueueDepth: new promClient.Gauge({ name: 'pdf_render_queue_depth', help: 'Renders in this replica waiting for a browser page', registers }),
    jobQueueDepth: new promClient.Gauge({ name: 'pdf_job_queue_depth', help: 'Jobs in the JetStream work queue (all replicas), sampled every 5 s', registers }),
    pagesInUse: new promClient.Gauge({ name: 'pdf_pages_in_use', help: 'Browser pages rendering right now', registers }),
    browserRestarts: new promClient.Counter({ name: 'pdf_browser_restarts_total', help: 'Chromium restarts by reason', labelNames: ['reason'] as const, registers }),
    jobs: new promClient.Counter({ name: 'pdf_jobs_total', help: 'PDF jobs by final status', labelNames: ['status'] as const, registers }),
    cacheRequests: new promClient.Counter({ name: 'pdf_cache_requests_total', help: 'PDF requests served from the store (hit) or rendered (miss)', labelNames: ['result'] as const, registers }),
  };
}

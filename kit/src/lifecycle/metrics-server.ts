import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceMetrics } from '../metrics/metrics';
import { startHttpServer, type HttpServerHandle } from './http-server';

function answer(response: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  response.writeHead(status, { 'Cache-Control': 'no-store', ...headers }).end(body);
}

/**
 * The metrics port: `GET /metrics` in Prometheus text and nothing else. A bare request listener rather than a Koa
 * app, since there is nothing to route, authenticate or log; scrapes are not counted in the HTTP histogram.
 */
export function metricsListener(metrics: ServiceMetrics) {
  return function metricsListener(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://metrics.invalid').pathname;
    if (path !== '/metrics') return answer(response, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not Found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, 'Method Not Allowed\n');
    metrics.registry.metrics().then(
      (text) => answer(response, 200, { 'Content-Type': metrics.registry.contentType }, request.method === 'HEAD' ? undefined : text),
      (error: unknown) => answer(response, 500, { 'Content-Type': 'text/plain; charset=utf-8' }, `${(error as Error).message}\n`),
    );
  };
}

/** Starts the metrics server on `port` (0: any free port), bound like the service port. */
export function startMetricsServer(metrics: ServiceMetrics, port: number, host?: string): Promise<HttpServerHandle> {
  return startHttpServer(metricsListener(metrics), port, host);
}

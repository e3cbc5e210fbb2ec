import type { ServiceName } from '@playbook/shared';
import type { GatewayConfig } from '../config';
import { createUpstreamProxy, type UpstreamProxy } from './upstream-proxy';

export type UpstreamName = Exclude<ServiceName, 'gateway'>;
export type Upstreams = Record<UpstreamName, UpstreamProxy>;

/** Where each service of the route table's `service` column listens (Kubernetes service names in the chart). */
export function upstreamUrls(config: GatewayConfig): Record<UpstreamName, string> {
  return { auth: config.AUTH_SERVICE_URL, project: config.PROJECT_SERVICE_URL, pdf: config.PDF_SERVICE_URL };
}

/** One proxy with its own keep-alive pool per service. */
export function createUpstreams(config: GatewayConfig): Upstreams {
  const urls = upstreamUrls(config);
  const proxyTo = (service: UpstreamName) =>
    createUpstreamProxy({ service, target: urls[service], maxSockets: config.UPSTREAM_MAX_SOCKETS, connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS });
  return { auth: proxyTo('auth'), project: proxyTo('project'), pdf: proxyTo('pdf') };
}

export function closeUpstreams(upstreams: Upstreams): void {
  for (const upstream of Object.values(upstreams)) upstream.close();
}

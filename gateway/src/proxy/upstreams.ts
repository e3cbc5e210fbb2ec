import { UPSTREAMS, type UpstreamName } from '@playbook/contract';
import type { GatewayConfig } from '../config';
import { createUpstreamProxy, type UpstreamProxy } from './upstream-proxy';

export type { UpstreamName };
export type Upstreams = Record<UpstreamName, UpstreamProxy>;

/** Where each service of the route table's `service` column listens (Kubernetes service names in the chart). */
export function upstreamUrls(config: GatewayConfig): Record<UpstreamName, string> {
  return Object.fromEntries(UPSTREAMS.map((service) => [service.name, config[service.urlVariable]])) as Record<UpstreamName, string>;
}

/** One proxy with its own keep-alive pool per service. */
export function createUpstreams(config: GatewayConfig): Upstreams {
  const urls = upstreamUrls(config);
  const proxyTo = (service: UpstreamName) =>
    createUpstreamProxy({ service, target: urls[service], maxSockets: config.UPSTREAM_MAX_SOCKETS, connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS });
  return Object.fromEntries(UPSTREAMS.map((service) => [service.name, proxyTo(service.name)])) as Upstreams;
}

export async function closeUpstreams(upstreams: Upstreams): Promise<void> {
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
}

import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the proxy's own. They are
 * dropped both ways: the gateway keeps its own keep-alive with clients and with each service. Without this the
 * client would see the service's `Keep-Alive: timeout=…`, and a client's `Connection: close` would close the
 * pooled connection to the service.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

/** Removes hop-by-hop request headers in place before the request is sent on (Transfer-Encoding: see UpstreamProxy). */
export function dropHopByHopRequestHeaders(headers: IncomingHttpHeaders): void {
  for (const name of HOP_BY_HOP) delete headers[name];
}

/** Whether a response header of the service is for the client; Transfer-Encoding is left to the gateway's own server. */
export function isEndToEndResponseHeader(name: string, headers: IncomingHttpHeaders): boolean {
  if (HOP_BY_HOP.includes(name) || name === 'transfer-encoding') return false;
  const connection = headers.connection;
  return connection === undefined || !String(connection).toLowerCase().split(',').some((named) => named.trim() === name);
}

import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the proxy's own. They are
 * dropped both ways: the gateway keeps its own keep-alive with clients and with each service. Without this the
 * client would see the service's `Keep-Alive: timeout=…`, and a client's `Connection: close` would close the
 * pooled connection to the service.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

/** Removes hop-by-hop request headers in place before the request is sent on (Transfer-Encoding stays: it frames the body). */
export function dropHopByHopRequestHeaders(headers: IncomingHttpHeaders): void {
  for (const name of HOP_BY_HOP) delete headers[name];
}

/** The service's response headers a client may see; Transfer-Encoding is left to the gateway's own server. */
export function endToEndResponseHeaders(headers: IncomingHttpHeaders): Array<[string, string | string[]]> {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()));
  return Object.entries(headers).filter(
    (entry): entry is [string, string | string[]] => entry[1] !== undefined && !HOP_BY_HOP.includes(entry[0]) && entry[0] !== 'transfer-encoding' && !named.has(entry[0]),
  );
}

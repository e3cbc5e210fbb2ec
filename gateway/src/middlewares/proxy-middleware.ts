import type { IncomingHttpHeaders } from 'node:http';
import { type PublicRoute } from '@playbook/contract';
import { FORWARDED_CLIENT_HEADER, forwardTraceContext, REQUEST_ID_HEADER, signForwardedClient } from '@playbook/kit';
import type Koa from 'koa';
import { dropHopByHopRequestHeaders, isEndToEndResponseHeader } from '../proxy/hop-by-hop-headers';
import type { ProxyExchange } from '../proxy/proxy-exchange';
import type { UpstreamDuration } from '../proxy/upstream-metrics';
import type { UpstreamProxy } from '../proxy/upstream-proxy';

export interface ProxyRouteOptions {
  upstream: UpstreamProxy;
  timeoutMs: number;
  bodyLimitBytes: number;
  duration: UpstreamDuration;
  /** Signs the client IP for the services (FORWARDING_KEY_FILE); without it none is vouched for. */
  forwardingKey?: Buffer;
}

/**
 * Writes the service's answer behind the headers the gateway set (security, CORS, request id, limits). The
 * body goes straight from the exchange to the client rather than through Koa: Koa's stream.pipeline costs an
 * AbortController per response, a measurable share of a proxy hop (bench/gateway).
 */
function answerWith(ctx: Koa.Context, statusCode: number, headers: IncomingHttpHeaders, exchange: ProxyExchange): void {
  ctx.status = statusCode;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || !isEndToEndResponseHeader(name, headers)) continue;
    if (name === 'vary') ctx.vary(String(value)); // keeps the gateway's own `Vary: Origin` (CORS)
    else ctx.set(name, value);
  }
  ctx.respond = false;
  ctx.res.writeHead(statusCode);
  exchange.answer(ctx.res);
}

/**
 * X-Forwarded-* as the gateway established them: the client IP Koa derived with TRUSTED_PROXY_HOPS, not the
 * chain the client sent. The services trust only the signed copy (X-Playbook-Client), which nobody without the
 * forwarding key can make; one a client sent is replaced or dropped. When tracing, the service continues the
 * gateway's span (traceparent).
 */
function setForwardedHeaders(ctx: Koa.Context, forwardingKey: Buffer | undefined): void {
  const headers = ctx.req.headers;
  headers['x-forwarded-for'] = ctx.ip;
  headers['x-forwarded-proto'] = ctx.protocol;
  headers['x-forwarded-host'] = ctx.host;
  headers[REQUEST_ID_HEADER] = ctx.state.requestId;
  if (forwardingKey) headers[FORWARDED_CLIENT_HEADER] = signForwardedClient(forwardingKey, ctx.ip);
  else delete headers[FORWARDED_CLIENT_HEADER];
  forwardTraceContext(headers);
}

/** The last handler of a proxied row: sends the request, unread, to the row's service. */
export function proxyMiddleware(route: PublicRoute, options: ProxyRouteOptions): Koa.Middleware {
  return async function proxyMiddleware(ctx) {
    dropHopByHopRequestHeaders(ctx.req.headers);
    setForwardedHeaders(ctx, options.forwardingKey);
    const stopTimer = options.duration.startTimer({ route: route.path, method: ctx.method, upstream: options.upstream.service });
    let status = 500;
    try {
      const { exchange, statusCode, headers } = await options.upstream.forward(ctx.req, ctx.res, { timeoutMs: options.timeoutMs, bodyLimitBytes: options.bodyLimitBytes });
      status = statusCode;
      answerWith(ctx, statusCode, headers, exchange);
    } catch (error) {
      status = (error as { status?: number }).status ?? 500;
      throw error;
    } finally {
      stopTimer({ status: String(status) });
    }
  };
}

import type { IncomingMessage } from 'node:http';
import { type PublicRoute } from '@playbook/contract';
import { REQUEST_ID_HEADER } from '@playbook/kit';
import type Koa from 'koa';
import { dropHopByHopRequestHeaders, endToEndResponseHeaders } from '../proxy/hop-by-hop-headers';
import type { UpstreamDuration } from '../proxy/upstream-metrics';
import type { UpstreamProxy } from '../proxy/upstream-proxy';

export interface ProxyRouteOptions {
  upstream: UpstreamProxy;
  timeoutMs: number;
  bodyLimitBytes: number;
  duration: UpstreamDuration;
}

const NO_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * Writes the service's answer behind the headers the gateway set (security, CORS, request id, limits). The
 * body is piped straight to the client rather than handed to Koa: Koa's stream.pipeline costs an
 * AbortController per response, a measurable share of a proxy hop (bench/gateway). A client that goes
 * away mid-answer releases the service's connection.
 */
function answerWith(ctx: Koa.Context, response: IncomingMessage, idleTimeoutMs: number): void {
  ctx.status = response.statusCode ?? 502;
  for (const [name, value] of endToEndResponseHeaders(response.headers)) {
    if (name === 'vary') ctx.vary(String(value)); // keeps the gateway's own `Vary: Origin` (CORS)
    else ctx.set(name, value);
  }
  const res = ctx.res;
  ctx.respond = false;
  res.writeHead(ctx.status);
  if (ctx.method === 'HEAD' || NO_BODY_STATUSES.has(ctx.status)) {
    response.resume();
    res.end();
    return;
  }
  // A service that stalls mid-answer must not hold the client forever: idle longer than the row's timeout
  // ends both sides. The agent resets the socket's timeout when the connection goes back to the pool.
  const socket = response.socket;
  const onStall = () => {
    response.destroy();
    res.destroy();
  };
  socket.setTimeout(idleTimeoutMs);
  socket.once('timeout', onStall);
  response.once('end', () => socket.off('timeout', onStall));
  res.once('close', () => {
    socket.off('timeout', onStall);
    if (!response.complete) response.destroy();
  });
  response.pipe(res);
}

/**
 * X-Forwarded-* as the gateway established them: the client IP Koa derived with TRUSTED_PROXY_HOPS, not the
 * chain the client sent, so a service that trusts one hop (the gateway) gets the real client, never a forged one.
 */
function setForwardedHeaders(ctx: Koa.Context): void {
  const headers = ctx.req.headers;
  headers['x-forwarded-for'] = ctx.ip;
  headers['x-forwarded-proto'] = ctx.protocol;
  headers['x-forwarded-host'] = ctx.host;
  headers[REQUEST_ID_HEADER] = ctx.state.requestId;
}

/** The last handler of a proxied row: sends the request, unread, to the row's service. */
export function proxyMiddleware(route: PublicRoute, options: ProxyRouteOptions): Koa.Middleware {
  return async function proxyMiddleware(ctx) {
    dropHopByHopRequestHeaders(ctx.req.headers);
    setForwardedHeaders(ctx);
    const stopTimer = options.duration.startTimer({ route: route.path, method: ctx.method, upstream: options.upstream.service });
    let status = 500;
    try {
      const response = await options.upstream.forward(ctx.req, { timeoutMs: options.timeoutMs, bodyLimitBytes: options.bodyLimitBytes });
      status = response.statusCode ?? 502;
      answerWith(ctx, response, options.timeoutMs);
    } catch (error) {
      status = (error as { status?: number }).status ?? 500;
      throw error;
    } finally {
      stopTimer({ status: String(status) });
    }
  };
}

import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProxyMiddleware, type Plugin } from 'http-proxy-middleware';
import { ClientClosedRequestError, toUpstreamError } from './proxy-errors';
import { ProxyExchange, type ExchangeLimits } from './proxy-exchange';

export interface UpstreamProxyOptions {
  /** The service's name as the route table spells it, e.g. `project`. */
  service: string;
  target: string;
  maxSockets: number;
  connectTimeoutMs: number;
}

export interface UpstreamProxy {
  readonly service: string;
  /** Sends the request on (body streamed, unread) and resolves with the service's response head. */
  forward(req: IncomingMessage, res: ServerResponse, limits: Omit<ExchangeLimits, 'connectTimeoutMs'>): Promise<IncomingMessage>;
  /** Closes the idle keep-alive connections (on shutdown). */
  close(): void;
}

/**
 * A body-less idempotent request whose keep-alive connection was reset before any answer: the service closed
 * that connection as idle (it is shutting down, or the idle timeout hit) just as the request went out, so it
 * never saw the request. Sent once more on a fresh connection, as browsers and nginx do (RFC 9110 §9.2.2).
 */
function isResetBeforeAnswer(req: IncomingMessage, error: unknown): boolean {
  const code = ((error as { cause?: NodeJS.ErrnoException }).cause)?.code;
  return (req.method === 'GET' || req.method === 'HEAD') && (code === 'ECONNRESET' || code === 'EPIPE');
}

/**
 * http-proxy-middleware towards one service over a keep-alive agent. Its default plugins are ejected: they
 * answer errors with text and a refused connection as 504, where the gateway needs problem+json and 503,
 * so every proxy event goes to the request's ProxyExchange instead, and the response is handed back to Koa.
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): UpstreamProxy {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, timeout: 60_000 });
  const exchanges = new WeakMap<IncomingMessage, ProxyExchange>();

  const routeEvents: Plugin = (proxyServer) => {
    proxyServer.on('start', (req) => exchanges.get(req)?.watchBody(req));
    proxyServer.on('proxyReq', (proxyReq, req) => exchanges.get(req)?.attach(proxyReq));
    proxyServer.on('proxyRes', (proxyRes, req) => exchanges.get(req)?.succeed(proxyRes));
    proxyServer.on('error', (error, req) => exchanges.get(req)?.fail(toUpstreamError(options.service, error)));
    proxyServer.on('econnreset', (_error, req) => exchanges.get(req)?.fail(new ClientClosedRequestError()));
  };

  const proxy = createProxyMiddleware({
    target: options.target,
    agent,
    selfHandleResponse: true,
    ejectPlugins: true,
    plugins: [routeEvents],
  });

  return {
    service: options.service,
    async forward(req, res, limits) {
      for (let attempt = 1; ; attempt++) {
        const exchange = new ProxyExchange(options.service, { ...limits, connectTimeoutMs: options.connectTimeoutMs });
        exchanges.set(req, exchange);
        await proxy(req, res, (error?: unknown) => exchange.fail(error instanceof Error ? error : new Error('proxy not applied')));
        try {
          return await exchange.response;
        } catch (error) {
          if (attempt === 1 && isResetBeforeAnswer(req, error)) continue;
          throw error;
        }
      }
    },
    close: () => agent.destroy(),
  };
}

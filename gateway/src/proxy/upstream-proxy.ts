import { Agent, request, type IncomingMessage } from 'node:http';
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
  forward(req: IncomingMessage, limits: Omit<ExchangeLimits, 'connectTimeoutMs'>): Promise<IncomingMessage>;
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
 * Sends requests to one service over a keep-alive agent with node:http itself: the gateway already does what
 * a proxy library would add (hop-by-hop and X-Forwarded-* headers, problem+json errors, writing the answer),
 * and http-proxy, the only library that did the rest, calls the deprecated `util._extend` (DEP0060) on every
 * request. Every outcome goes to the request's ProxyExchange, which settles once.
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): UpstreamProxy {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, timeout: 60_000 });
  const target = new URL(options.target);

  const send = (req: IncomingMessage, exchange: ProxyExchange) => {
    exchange.watchBody(req);
    const proxyReq = request({ agent, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers });
    proxyReq.once('socket', () => exchange.attach(proxyReq));
    proxyReq.once('response', (response) => exchange.succeed(response));
    const fail = (error: NodeJS.ErrnoException) =>
      exchange.fail(req.socket.destroyed && error.code === 'ECONNRESET' ? new ClientClosedRequestError() : toUpstreamError(options.service, error));
    proxyReq.on('error', fail);
    req.once('error', fail);
    req.pipe(proxyReq);
  };

  return {
    service: options.service,
    async forward(req, limits) {
      for (let attempt = 1; ; attempt++) {
        const exchange = new ProxyExchange(options.service, { ...limits, connectTimeoutMs: options.connectTimeoutMs });
        send(req, exchange);
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

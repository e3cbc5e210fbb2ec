import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { ClientClosedRequestError, toUpstreamError } from './proxy-errors';
import { ProxyExchange, type UpstreamHead } from './proxy-exchange';

export interface UpstreamProxyOptions {
  /** The service's name as the route table spells it, e.g. `project`. */
  service: string;
  target: string;
  maxSockets: number;
  connectTimeoutMs: number;
}

export interface ForwardLimits {
  /** Time the service has to send its head, and the longest silence in the middle of its body. */
  timeoutMs: number;
  /** Enforced on the streamed bytes; a declared Content-Length is checked before proxying. */
  bodyLimitBytes: number;
}

export interface UpstreamProxy {
  readonly service: string;
  /**
   * Sends the request on (body streamed, unread, its headers already made ready to send) and resolves with the
   * exchange once the service's head arrived; `exchange.answer(client)` then streams the body to the client.
   */
  forward(req: IncomingMessage, client: ServerResponse, limits: ForwardLimits): Promise<UpstreamHead & { exchange: ProxyExchange }>;
  /** Closes the keep-alive connections (on shutdown). */
  close(): Promise<void>;
}

/** undici's codes for a connection that was reset or closed under a request. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * A body-less idempotent request whose keep-alive connection was reset before any answer: the service closed
 * that connection as idle (it is shutting down, or the idle timeout hit) just as the request went out, so it
 * never saw the request. Sent once more on a fresh connection, as browsers and nginx do (RFC 9110 §9.2.2).
 */
function isResetBeforeAnswer(req: IncomingMessage, body: IncomingMessage | null, error: unknown): boolean {
  const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
  return (req.method === 'GET' || req.method === 'HEAD') && body === null && RESET_CODES.has(code);
}

/** The request's body, when the client declared one: a length above 0, or chunked framing. */
function bodyOf(req: IncomingMessage): IncomingMessage | null {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0') ? req : null;
}

/**
 * Sends requests to one service over a keep-alive undici Pool, with `dispatch`: the service's answer comes
 * to a handler (ProxyExchange) as head and chunks, without a response stream in between. Measured against
 * node:http's Agent and `request` (docs/benchmarks.md, Gateway): a bare proxy hop costs ~75 instead of
 * ~130 µs of CPU. The gateway already does what a proxy library would add (hop-by-hop and X-Forwarded-*
 * headers, problem+json errors, writing the answer).
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): UpstreamProxy {
  const pool = new Pool(options.target, { connections: options.maxSockets, connect: { timeout: options.connectTimeoutMs } });
  // Whether the client is still there is read on its response: `req.socket` can already be null for a
  // request whose body undici has sent on while the client still waits (seen when a service was killed).
  const toClientError = (client: ServerResponse, timeoutMs: number) => (error: Error) =>
    client.destroyed || client.socket?.destroyed !== false ? new ClientClosedRequestError() : toUpstreamError(options.service, error, timeoutMs);

  const send = (req: IncomingMessage, client: ServerResponse, body: IncomingMessage | null, limits: ForwardLimits) => {
    const exchange = new ProxyExchange(toClientError(client, limits.timeoutMs));
    const declared = req.headers['content-length'] !== undefined;
    const dispatchOptions = {
      method: req.method as string,
      path: req.url as string,
      headers: req.headers,
      body: body && !declared ? exchange.countedBody(body, limits.bodyLimitBytes) : body,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    };
    pool.dispatch(dispatchOptions, exchange);
    return exchange;
  };

  return {
    service: options.service,
    async forward(req, client, limits) {
      const body = bodyOf(req);
      // undici frames the body itself (chunked when no length was declared) and refuses both headers;
      // Node's server has already answered `Expect: 100-continue`.
      delete req.headers['transfer-encoding'];
      delete req.headers.expect;
      for (let attempt = 1; ; attempt++) {
        const exchange = send(req, client, body, limits);
        try {
          const head = await exchange.head;
          return { exchange, ...head };
        } catch (error) {
          if (attempt === 1 && isResetBeforeAnswer(req, body, error)) continue;
          throw error;
        }
      }
    },
    close: () => pool.destroy(),
  };
}

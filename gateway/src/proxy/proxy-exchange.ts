import type { ClientRequest, IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '@playbook/kit';
import { upstreamTimedOut, upstreamUnavailable } from './proxy-errors';

export interface ExchangeLimits {
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Enforced on the streamed bytes; a declared Content-Length is checked before proxying. */
  bodyLimitBytes: number;
}

/**
 * One request in flight to a service: settles exactly once, with the service's response head or with the
 * error the client should see (413, 503, 504). Whatever loses the race is torn down, never left hanging.
 */
export class ProxyExchange {
  readonly response: Promise<IncomingMessage>;
  private resolve!: (response: IncomingMessage) => void;
  private reject!: (error: Error) => void;
  private settled = false;
  private proxyReq?: ClientRequest;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly service: string,
    private readonly limits: ExchangeLimits,
  ) {
    this.response = new Promise<IncomingMessage>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.fail(upstreamTimedOut(service, limits.timeoutMs)), limits.timeoutMs);
  }

  /** Counts a chunked body as it streams to the service (Content-Length bodies were checked up front). */
  watchBody(req: IncomingMessage): void {
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] === undefined) return;
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= this.limits.bodyLimitBytes) return;
      req.off('data', count);
      this.fail(new PayloadTooLargeError(`The request body is larger than ${this.limits.bodyLimitBytes} bytes`));
    };
    req.on('data', count);
  }

  /** The outgoing request has a socket: a new connection must open within the connect timeout. */
  attach(proxyReq: ClientRequest): void {
    this.proxyReq = proxyReq;
    if (this.settled) {
      proxyReq.destroy();
      return;
    }
    const socket = proxyReq.socket;
    if (!socket?.connecting) return;
    const connectTimer = setTimeout(() => this.fail(upstreamUnavailable(this.service)), this.limits.connectTimeoutMs);
    socket.once('connect', () => clearTimeout(connectTimer));
    socket.once('close', () => clearTimeout(connectTimer));
  }

  succeed(response: IncomingMessage): void {
    if (this.settled) {
      response.resume();
      return;
    }
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve(response);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.proxyReq?.destroy();
    this.reject(error);
  }
}

import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface HttpServerHandle {
  server: Server;
  port: number;
  /** Where the server is bound, as the kernel reports it: `0.0.0.0:8080` (every IPv4 address), `[::]:8080`, `127.0.0.1:41234`. */
  address: string;
  /** A URL on the loopback interface, for callers on the same machine (tests, local tools). */
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then drops what is left. */
  close(timeoutMs: number): Promise<void>;
}

/** Serves a Koa app, or a bare request listener (the metrics server), with the shutdown every service port has. */
export async function startHttpServer(app: Koa | RequestListener, port: number, host = '0.0.0.0'): Promise<HttpServerHandle> {
  const server = createServer(typeof app === 'function' ? app : app.callback());
  // Longer than the usual 60 s idle timeout of proxies in front, so they never reuse a closed socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  // While closing, every answer tells its keep-alive connection to close after it, and a connection that goes
  // idle is closed (idle ones are closed at once); otherwise a client that keeps sending on a busy connection holds the shutdown open until the grace
  // timeout (test/system/fault-sigterm: SIGTERM under load must exit well within its grace period).
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    if (closing) response.setHeader('Connection', 'close');
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // An answer that was under way when closing began may have kept its connection open: close it now.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  const bound = server.address() as AddressInfo;
  const actualPort = bound.port;
  return {
    server,
    port: actualPort,
    address: bound.family === 'IPv6' ? `[${bound.address}]:${actualPort}` : `${bound.address}:${actualPort}`,
    url: `http://127.0.0.1:${actualPort}`,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

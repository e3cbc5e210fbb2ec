import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface HttpServerHandle {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then drops what is left. */
  close(timeoutMs: number): Promise<void>;
}

export async function startHttpServer(app: Koa, port: number, host = '0.0.0.0'): Promise<HttpServerHandle> {
  const server = createServer(app.callback());
  // Longer than the usual 60 s idle timeout of proxies in front, so they never reuse a closed socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  // While closing, a keep-alive connection that is still busy is told to close after its current answer and
  // is closed as soon as it goes idle; otherwise a client that keeps sending on it holds the shutdown open
  // until the grace timeout (issue 8: SIGTERM under load must exit well within its grace period).
  let closing = false;
  server.on('request', (_request, response) => {
    if (closing) response.setHeader('Connection', 'close');
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        force.unref();
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        idle.unref();
        server.close(() => {
          clearTimeout(force);
          clearInterval(idle);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

export interface FakeUpstream {
  name: string;
  url: string;
  /** Every request that reached this upstream, in order. */
  requests: RecordedRequest[];
  /** Connections opened to this upstream so far (keep-alive reuse keeps it low). */
  connections: () => number;
  stop(): Promise<void>;
}

/**
 * A stand-in service for proxy mechanics: answers 200 JSON describing what it received. Headers steer it:
 * `x-test-delay-ms` answers late, `x-test-status` picks the status, `x-test-stall-body` sends the head and part of the body, then nothing.
 */
export async function startFakeUpstream(name: string): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes };
      requests.push(recorded);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(Number(req.headers['x-test-status'] ?? 200), { 'content-type': 'application/json', 'x-upstream': name });
        if (req.headers['x-test-stall-body']) res.write('{"partial":'); // and never more
        else res.end(JSON.stringify({ service: name, ...recorded }));
      };
      const delay = Number(req.headers['x-test-delay-ms'] ?? 0);
      if (delay > 0) setTimeout(answer, delay).unref();
      else answer();
    });
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    connections: () => connections,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

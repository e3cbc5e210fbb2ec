import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
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
 * `x-test-delay-ms` answers late, `x-test-status` picks the status, `x-test-stall-body` sends the head and part of the body, then nothing,
 * `x-test-drop-after-ms` closes the connection after that long without any answer,
 * `x-test-answer-bytes` answers that many bytes (a repeating 0–255 pattern, in 64 KiB writes) instead of the JSON.
 */
/** The bytes `x-test-answer-bytes` asks for: byte i is i % 256, so a client can check every one. */
export function patternBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = index % 256;
  return bytes;
}

async function answerBytes(res: ServerResponse, length: number): Promise<void> {
  const body = patternBytes(length);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': length });
  for (let offset = 0; offset < length && !res.destroyed; offset += 64 * 1024) {
    if (!res.write(body.subarray(offset, offset + 64 * 1024))) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

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
        if (req.headers['x-test-answer-bytes']) return void answerBytes(res, Number(req.headers['x-test-answer-bytes']));
        res.writeHead(Number(req.headers['x-test-status'] ?? 200), { 'content-type': 'application/json', 'x-upstream': name });
        if (req.headers['x-test-stall-body']) res.write('{"partial":'); // and never more
        else res.end(JSON.stringify({ service: name, ...recorded }));
      };
      const dropAfter = Number(req.headers['x-test-drop-after-ms'] ?? 0);
      if (dropAfter > 0) return void setTimeout(() => req.socket.destroy(), dropAfter).unref();
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

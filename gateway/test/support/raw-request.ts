import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => unknown;
}

export interface RawRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** Sent in these pieces; without Content-Length they go chunked. */
  chunks?: Buffer[];
  /** A pause before each chunk after the first: a slow upload. */
  chunkDelayMs?: number;
  agent?: Agent;
}

/** node:http instead of fetch where the wire matters: raw headers, chunked bodies, TRACE, exact lengths. */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    void (async () => {
      for (const [index, chunk] of (options.chunks ?? []).entries()) {
        if (index > 0 && options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
        if (req.destroyed) return;
        req.write(chunk);
      }
      req.end();
    })();
  });
}

import { request, Agent } from 'node:http';

/** What one request ended with: `status` 0 means no HTTP answer at all (refused, reset, timed out). */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  /** Milliseconds from sending to the last byte (or the failure). */
  ms: number;
  error?: string;
}

export interface HttpOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer is sent as is (hostile tests send broken bytes). */
  body?: unknown;
  timeoutMs?: number;
  agent?: Agent | false;
  /**
   * Sends the first half of the body at once and the rest this many ms later, like a client on a slow
   * uplink: the request is surely in progress at the server meanwhile, however fast it would answer.
   */
  halfBodyDelayMs?: number;
}

/** Keep-alive like a browser; the load harness passes its own bounded agent. */
export const defaultAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One HTTP request over node:http, never throwing: fetch() refuses methods like TRACE and normalizes paths,
 * and the hostile-input tests need both raw. A request that outlives `timeoutMs` is aborted and reported.
 */
export function http(method: string, url: string, options: HttpOptions = {}): Promise<HttpResult> {
  const started = performance.now();
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (Buffer.isBuffer(options.body)) payload = options.body;
    else if (typeof options.body === 'string') payload = Buffer.from(options.body);
    else {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] ??= 'application/json';
    }
    headers['content-length'] = String(payload.length);
  }
  // The path is passed through untouched (URL would re-encode %2f and collapse dot segments).
  const rawPath = url.slice(url.indexOf('/', url.indexOf('//') + 2));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<HttpResult, 'ms' | 'text'> & { text?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, text: result.text ?? result.body.toString('utf8'), ms: performance.now() - started });
    };
    const req = request(
      { host: target.hostname, port: target.port, method, path: rawPath, headers, agent: options.agent ?? defaultAgent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (error) => finish({ status: 0, headers: {}, body: Buffer.alloc(0), error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${options.timeoutMs ?? 15_000} ms`));
    }, options.timeoutMs ?? 15_000);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: 0, headers: {}, body: Buffer.alloc(0), error: error.code ?? error.message }),
    );
    if (payload && options.halfBodyDelayMs !== undefined) {
      const half = Math.floor(payload.length / 2);
      req.write(payload.subarray(0, half));
      const rest = setTimeout(() => req.end(payload.subarray(half)), options.halfBodyDelayMs);
      req.on('close', () => clearTimeout(rest));
    } else {
      req.end(payload);
    }
  });
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(result: HttpResult): T | undefined {
  try {
    return JSON.parse(result.text) as T;
  } catch {
    return undefined;
  }
}

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { PayloadTooLargeError } from '@playbook/kit';
import type { Dispatcher } from 'undici';
import { ClientClosedRequestError } from './proxy-errors';

/** The service's status and headers, as they arrived. */
export interface UpstreamHead {
  statusCode: number;
  headers: IncomingHttpHeaders;
}

/**
 * One request in flight to a service, as undici's dispatch handler. `head` settles exactly once: with the
 * service's status and headers, or with the error the client should see (413, 502, 503, 504). The body then
 * streams into the client's response once `answer` names it; chunks that came before (undici often delivers
 * head, body and end in one go) wait in `early`. Whatever loses a race is torn down, never left hanging.
 */
export class ProxyExchange implements Dispatcher.DispatchHandler {
  readonly head: Promise<UpstreamHead>;
  private resolveHead!: (head: UpstreamHead) => void;
  private rejectHead!: (error: Error) => void;
  private settled = false;
  private failure?: Error;
  private controller?: Dispatcher.DispatchController;
  private client?: ServerResponse;
  private readonly early: Buffer[] = [];
  private ended = false;
  private broken = false;

  /** `toClientError` turns undici's error into what the client sees (proxy-errors.ts). */
  constructor(private readonly toClientError: (error: Error) => Error) {
    this.head = new Promise<UpstreamHead>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
  }

  /**
   * A body of undeclared length goes to the service through a counter that fails the exchange with 413 past
   * the limit (a declared length was checked up front). Counting on the request itself would start it flowing
   * before undici reads it, and the first chunks would be lost.
   */
  countedBody(req: IncomingMessage, limitBytes: number): Readable {
    let received = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        received += chunk.length;
        if (received <= limitBytes) return done(null, chunk);
        this.fail(new PayloadTooLargeError(`The request body is larger than ${limitBytes} bytes`));
        done();
      },
    });
    req.once('error', (error) => counter.destroy(error));
    return req.pipe(counter);
  }

  /** Settles `head` with `error` (if nothing settled it yet) and stops the request to the service. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = error;
    this.rejectHead(error);
    this.controller?.abort(error);
  }

  /**
   * Streams the rest of the service's answer into `client`, whose head the caller has written. A client that
   * goes away mid-answer stops the request to the service, which frees its connection.
   */
  answer(client: ServerResponse): void {
    if (this.broken) {
      client.destroy();
      return;
    }
    this.client = client;
    for (const chunk of this.early.splice(0)) this.send(chunk);
    if (this.ended) client.end();
    else client.once('close', () => this.ended || this.controller?.abort(new ClientClosedRequestError()));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.failure) controller.abort(this.failure);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveHead({ statusCode, headers });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.client) this.send(chunk);
    else this.early.push(chunk);
  }

  onResponseEnd(): void {
    this.ended = true;
    this.client?.end();
  }

  /** Before the head: the client gets the matching problem. After it: the answer is cut (a stalled or dead service). */
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.settled) {
      this.settled = true;
      this.rejectHead(this.toClientError(error));
      return;
    }
    this.broken = true;
    this.client?.destroy();
  }

  /** Writes one chunk to the client, pausing the service while the client's socket is full. */
  private send(chunk: Buffer): void {
    const client = this.client!;
    if (client.write(chunk) || !this.controller) return;
    this.controller.pause();
    client.once('drain', () => this.controller?.resume());
  }
}

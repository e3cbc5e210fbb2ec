import { headers as natsHeaders, type MsgHdrs } from 'nats';
import type { z } from 'zod';
import { ValidationError } from '../errors/app-error';
import { parseOrThrow } from '../errors/zod-errors';
import { currentRequestId } from '../logging/request-context';
import { REQUEST_ID_HEADER } from '../http/request-id-middleware';
import { injectTraceContext } from '../tracing/trace-context';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decodeJson = (data: Uint8Array): unknown => JSON.parse(decoder.decode(data));

/**
 * The one way a handler reads a message: JSON checked against the subject's schema. Throws a ValidationError
 * (400 in a reply) naming what is wrong, labelled with `what`, e.g. `project.v1.snapshot.get message`.
 */
export function parseMessage<S extends z.ZodType>(schema: S, data: Uint8Array, what: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = decodeJson(data);
  } catch {
    throw new ValidationError(`The ${what} is not JSON`);
  }
  return parseOrThrow(schema, raw, what);
}

/**
 * Headers carrying the current request id, so one id follows a request through every service's logs, and, when
 * tracing, the current trace context (W3C `traceparent`/`tracestate`), so the trace follows it too.
 */
export function requestIdHeaders(requestId = currentRequestId()): MsgHdrs {
  const headers = natsHeaders();
  if (requestId) headers.set(REQUEST_ID_HEADER, requestId);
  injectTraceContext(headers);
  return headers;
}

export function requestIdOf(headers: MsgHdrs | undefined): string | undefined {
  return headers?.get(REQUEST_ID_HEADER) || undefined;
}

/** The reply envelope of every request/reply subject: data, or an error with an HTTP status the caller can pass on. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: { status: number; code: string; title: string; detail: string } };

import { headers as natsHeaders, type MsgHdrs } from 'nats';
import { currentRequestId } from '../logging/request-context';
import { REQUEST_ID_HEADER } from '../http/request-id-middleware';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decodeJson = (data: Uint8Array): unknown => JSON.parse(decoder.decode(data));

/** Headers carrying the current request id, so one id follows a request through every service's logs. */
export function requestIdHeaders(requestId = currentRequestId()): MsgHdrs {
  const headers = natsHeaders();
  if (requestId) headers.set(REQUEST_ID_HEADER, requestId);
  return headers;
}

export function requestIdOf(headers: MsgHdrs | undefined): string | undefined {
  return headers?.get(REQUEST_ID_HEADER) || undefined;
}

/** The reply envelope of every request/reply subject: data, or an error with an HTTP status the caller can pass on. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: { status: number; code: string; title: string; detail: string } };

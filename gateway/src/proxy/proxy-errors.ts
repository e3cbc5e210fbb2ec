import { AppError, GatewayTimeoutError, ServiceUnavailableError } from '@playbook/kit';

/**
 * Socket errors that mean "nobody is there (any more)": the service is down or restarting, so 503. undici
 * names a connect timeout UND_ERR_CONNECT_TIMEOUT and a connection closed under a request UND_ERR_SOCKET.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

export function upstreamUnavailable(service: string, cause?: unknown): AppError {
  return new ServiceUnavailableError(`The ${service} service is unavailable`, cause);
}

export function upstreamTimedOut(service: string, timeoutMs: number): AppError {
  return new GatewayTimeoutError(`The ${service} service did not answer within ${timeoutMs / 1000} s`);
}

/** The client went away before the answer; 499 as nginx logs it, never sent to anyone. */
export class ClientClosedRequestError extends AppError {
  constructor() {
    super(499, 'client-closed-request', 'Client closed request');
  }
}

/**
 * Maps the error of a request to a service to the problem the client sees: 504 when its head did not come in
 * time, 503 when the service is unreachable, 502 otherwise; an error that already is one (413) stays.
 */
export function toUpstreamError(service: string, error: Error, timeoutMs: number): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return upstreamTimedOut(service, timeoutMs);
  if (UNAVAILABLE_CODES.has(code)) return upstreamUnavailable(service, error);
  return new AppError(502, 'bad-gateway', 'Bad gateway', { detail: `The ${service} service sent an invalid answer`, cause: error });
}

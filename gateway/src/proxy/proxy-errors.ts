import { AppError, GatewayTimeoutError, ServiceUnavailableError } from '@playbook/kit';

/** Socket errors that mean "nobody is there (any more)": the service is down or restarting, so 503. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

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

/** Maps the error of a request to a service to the problem the client sees: 503 when the service is unreachable, 502 otherwise. */
export function toUpstreamError(service: string, error: Error): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (UNAVAILABLE_CODES.has(code)) return upstreamUnavailable(service, error);
  return new AppError(502, 'bad-gateway', 'Bad gateway', { detail: `The ${service} service sent an invalid answer`, cause: error });
}

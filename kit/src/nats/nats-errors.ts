import { GatewayTimeoutError, ServiceUnavailableError } from '../errors/app-error';

/** Nobody listens on the subject (the owning service is down): 503. */
export class NatsNoRespondersError extends ServiceUnavailableError {
  constructor(readonly subject: string, cause?: unknown) {
    super(`No service answered on ${subject}`, cause);
  }
}

/** The owning service did not answer within the timeout: 504. */
export class NatsTimeoutError extends GatewayTimeoutError {
  constructor(readonly subject: string, cause?: unknown) {
    super(`No answer on ${subject} in time`, cause);
  }
}

/** This process is not connected to NATS right now (it keeps reconnecting): 503 without waiting. */
export class NatsUnavailableError extends ServiceUnavailableError {
  constructor(cause?: unknown) {
    super('The message bus is unavailable', cause);
  }
}

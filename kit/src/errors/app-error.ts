/** One field-level problem inside a 400 answer. */
export interface FieldProblem {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldProblem[];
  /** Seconds a client should wait before retrying (429, 503). */
  retryAfterSeconds?: number;
  /** Headers the answer carries beside the problem (e.g. the current ETag of a 412). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type the HTTP kit turns into RFC 9457 problem details. `code` is stable and ends up in
 * the problem `type`; `detail` is shown to clients (it is written for them), the cause never is.
 */
export class AppError extends Error {
  readonly detail?: string;
  readonly errors?: FieldProblem[];
  readonly retryAfterSeconds?: number;
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers;
  }
}

export class ValidationError extends AppError {
  constructor(detail: string, errors: FieldProblem[] = []) {
    super(400, 'validation', 'Invalid request', { detail, errors });
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'A valid access token is required') {
    super(401, 'unauthorized', 'Unauthorized', { detail });
  }
}

/** The caller is known but may not do this (a missing CSRF defence, a role without the right). */
export class ForbiddenError extends AppError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', { detail });
  }
}

export class NotFoundError extends AppError {
  constructor(detail = 'Not found') {
    super(404, 'not-found', 'Not found', { detail });
  }
}

export class ConflictError extends AppError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', { detail });
  }
}

/** A conditional change (If-Match) against a version that is no longer current; the answer carries the current ETag. */
export class PreconditionFailedError extends AppError {
  constructor(detail: string, currentEtag: string) {
    super(412, 'precondition-failed', 'Precondition failed', { detail, headers: { ETag: currentEtag } });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(detail = 'The request body is too large') {
    super(413, 'payload-too-large', 'Payload too large', { detail });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail = 'The request body must be application/json') {
    super(415, 'unsupported-media-type', 'Unsupported media type', { detail });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests, retry later') {
    super(429, 'too-many-requests', 'Too many requests', { detail, retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(detail = 'A dependency is unavailable', cause?: unknown) {
    super(503, 'service-unavailable', 'Service unavailable', { detail, cause, retryAfterSeconds: 5 });
  }
}

export class GatewayTimeoutError extends AppError {
  constructor(detail = 'A dependency did not answer in time', cause?: unknown) {
    super(504, 'gateway-timeout', 'Gateway timeout', { detail, cause });
  }
}

import type { z } from 'zod';
import type { ServiceName } from './services';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  description: string;
  /** JSON body schema; omitted for empty answers (204) or binary ones (see contentType). */
  schema?: z.ZodType;
  /** Defaults to application/json; e.g. application/pdf for file downloads. */
  contentType?: string;
  /** Response headers worth documenting, by name (e.g. ETag). */
  headers?: Record<string, { description: string }>;
}

/**
 * One row of the public API table. Each service declares its rows next to the schemas it
 * validates with; the gateway routes, authenticates, lists (`/api/routes`) and documents (OpenAPI) from them.
 */
export interface PublicRoute {
  method: HttpMethod;
  /** Koa-style pattern under /api, e.g. `/api/projects/:id`. */
  path: string;
  service: ServiceName;
  /** Whether a bearer token is required. */
  auth: boolean;
  summary: string;
  request?: {
    body?: z.ZodType;
    query?: z.ZodType;
    params?: z.ZodType;
    /** Request headers the route reads (lower-case names), e.g. `if-match`. */
    headers?: z.ZodType;
  };
  /** Success answers by status; the error answers (problem+json) are added by the gateway's documentation. */
  responses: Record<number, RouteResponse>;
  /**
   * Error answers this route gives beyond the ones derived from its shape (400 for input, 401 when `auth`,
   * 404 for path ids, …), e.g. 401 from login, 404 for an id in the body, 403 for a role that may not, 409 on a conflict, 412 for a
   * stale If-Match. Documented too.
   */
  errors?: Array<401 | 403 | 404 | 409 | 412>;
  /** Routes that render PDFs wait longer at the gateway than the default. */
  timeout?: 'default' | 'long';
}

import { z } from 'zod';
import { clientEventSchema, eventStreamQuerySchema, eventTicketSchema } from './client-events';
import type { PublicRoute } from './public-route';

/** The gateway's own public routes: health and discovery without a token, and the live events (docs/events.md). */

export const healthReportSchema = z.object({
  status: z.enum(['ok', 'fail']),
  checks: z.record(z.string(), z.enum(['ok', 'fail'])).meta({ description: 'gateway, nats, each service and the database' }),
});

export const routeListSchema = z.object({
  routes: z.array(
    z.object({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      path: z.string().meta({ description: 'Koa-style pattern, e.g. /api/projects/:id' }),
      auth: z.boolean().meta({ description: 'Whether a bearer token is required' }),
      description: z.string(),
      service: z.enum(['gateway', 'auth', 'project', 'pdf']),
    }),
  ),
});
export type RouteList = z.infer<typeof routeListSchema>;

export const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string() }), paths: z.record(z.string(), z.unknown()) });

export const gatewayRoutes: PublicRoute[] = [
  {
    method: 'GET',
    path: '/api/health',
    service: 'gateway',
    auth: false,
    summary: 'Aggregated health: gateway, NATS, each service and the database (503 with the failing checks)',
    responses: {
      200: { description: 'Everything is usable', schema: healthReportSchema },
      503: { description: 'Something is failing: the same report, naming the failing checks', schema: healthReportSchema },
    },
  },
  {
    method: 'GET',
    path: '/api/routes',
    service: 'gateway',
    auth: false,
    summary: 'Every public route: method, path, whether a token is required, description',
    responses: { 200: { description: 'The route table', schema: routeListSchema } },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    service: 'gateway',
    auth: false,
    summary: 'The OpenAPI 3.1 document of the public API',
    responses: { 200: { description: 'The OpenAPI document', schema: openApiDocumentSchema } },
  },
  {
    method: 'GET',
    path: '/api/docs',
    service: 'gateway',
    auth: false,
    summary: 'Browsable API documentation (Swagger UI)',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
  },
  {
    method: 'POST',
    path: '/api/events/ticket',
    service: 'gateway',
    auth: true,
    summary: 'A single-use ticket (30 s) for GET /api/events?ticket=, bound to this session: EventSource cannot send a bearer token',
    responses: { 200: { description: 'The ticket', schema: eventTicketSchema } },
  },
  {
    method: 'GET',
    path: '/api/events',
    service: 'gateway',
    // A ticket or a bearer token: checked by the route itself, so the table's token check stays out of the way.
    auth: false,
    errors: [401],
    summary:
      "The caller's live events as server-sent events (PDF jobs, project changes, memberships); resumes after Last-Event-ID. Authenticate with ?ticket= or a bearer token; 429 past the open-stream limit",
    request: { query: eventStreamQuerySchema },
    responses: {
      200: {
        description: 'A text/event-stream: `id:` (resume position), `event:` (the name below) and `data:` (JSON) per event, comment heartbeats between',
        contentType: 'text/event-stream',
        schema: clientEventSchema,
      },
    },
  },
];

import { z } from 'zod';
import type { PublicRoute } from './public-route';
import { publicRoutes } from './public-routes';

type JsonObject = Record<string, unknown>;

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

export const API_INFO: ApiInfo = {
  title: 'Design Thinking Playbook API',
  version: '1.0.0',
  description: 'Design-thinking projects, their playbook answers and printable PDF playbooks. Errors are RFC 9457 problem details.',
};

/** The error shape of every failing answer (RFC 9457), as the shared problem middleware writes it. */
const problemDetailsSchema = z.object({
  type: z.string().meta({ description: 'urn:playbook:problem:<code>' }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  traceId: z.string().optional().meta({ description: 'The trace id (W3C Trace Context) when tracing is on, else the request id (x-request-id): finds the request in the traces and the logs' }),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: 'Each invalid field (400)' }),
});

const ERROR_RESPONSES: Record<string, { status: number; description: string; headers?: Record<string, string> }> = {
  BadRequest: { status: 400, description: 'Invalid input; `errors` names each field' },
  Unauthorized: { status: 401, description: 'Missing, invalid or expired access token' },
  Forbidden: { status: 403, description: 'Known, but not allowed (e.g. a role without the right, or the session cookie without its CSRF defence)' },
  NotFound: { status: 404, description: 'Unknown, or not yours' },
  Conflict: { status: 409, description: 'Conflicts with the current state (e.g. the email exists, or a change is in progress)' },
  PreconditionFailed: {
    status: 412,
    description: 'If-Match names a version that is no longer current; nothing was written',
    headers: { ETag: 'The current content version' },
  },
  PayloadTooLarge: { status: 413, description: 'The body is larger than the limit' },
  UnsupportedMediaType: { status: 415, description: 'The body is not application/json' },
  TooManyRequests: { status: 429, description: 'Throttled; see Retry-After' },
  ServiceUnavailable: { status: 503, description: 'A service or dependency is down; see Retry-After' },
  GatewayTimeout: { status: 504, description: 'A service did not answer in time' },
};

/**
 * A zod schema as OpenAPI 3.1 JSON Schema (2020-12). Shared definitions (`$defs`, from schemas with an id)
 * move to components, because `#/$defs/…` inside an OpenAPI document would point at the document root.
 */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: JsonObject): JsonObject {
  const { $schema: _ignored, $defs, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : rewrite(inner)]),
    );
  };
  for (const [name, definition] of Object.entries(($defs as JsonObject | undefined) ?? {})) components[name] = rewrite(definition);
  return rewrite(json) as JsonObject;
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const pathParamNames = (path: string) => [...path.matchAll(/:(\w+)/g)].map((match) => match[1] as string);

/** `GET /api/projects/:id/responses` → `getProjectsByIdResponses`, `GET /api/auth/jwks.json` → `getAuthJwksJson`. */
function operationId(route: PublicRoute): string {
  const words = route.path
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const isParam = segment.startsWith(':');
      return segment
        .replace(/^:/, '')
        .split(/[.\-_]/)
        .filter(Boolean)
        .map((word, index) => (isParam && index === 0 ? 'By' : '') + word[0]!.toUpperCase() + word.slice(1));
    });
  return route.method.toLowerCase() + words.join('');
}

function parameters(route: PublicRoute, components: JsonObject): JsonObject[] {
  const paramsSchema = route.request?.params ? toSchema(route.request.params, 'input', components) : {};
  const paramProps = (paramsSchema.properties ?? {}) as Record<string, JsonObject>;
  const result: JsonObject[] = pathParamNames(route.path).map((name) => {
    const { description, ...schema } = paramProps[name] ?? { type: 'string' };
    return { name, in: 'path', required: true, schema, ...(description ? { description } : {}) };
  });
  for (const [place, schema] of [['query', route.request?.query], ['header', route.request?.headers]] as const) {
    if (!schema) continue;
    const object = toSchema(schema, 'input', components);
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, property] of Object.entries((object.properties ?? {}) as Record<string, JsonObject>)) {
      const { description, ...propertySchema } = property;
      result.push({ name, in: place, required: required.has(name), schema: propertySchema, ...(description ? { description } : {}) });
    }
  }
  return result;
}

function errorRefs(route: PublicRoute): string[] {
  const hasInput = Boolean(route.request?.body ?? route.request?.query ?? route.request?.params);
  return [
    ...(hasInput ? ['BadRequest'] : []),
    ...(route.auth || route.errors?.includes(401) ? ['Unauthorized'] : []),
    ...(route.errors?.includes(403) ? ['Forbidden'] : []),
    ...(route.request?.params || route.errors?.includes(404) ? ['NotFound'] : []),
    ...(route.errors?.includes(409) ? ['Conflict'] : []),
    ...(route.errors?.includes(412) ? ['PreconditionFailed'] : []),
    ...(route.request?.body ? ['PayloadTooLarge', 'UnsupportedMediaType'] : []),
    'TooManyRequests',
    ...(route.service === 'gateway' ? [] : ['ServiceUnavailable', 'GatewayTimeout']),
  ];
}

function operation(route: PublicRoute, components: JsonObject): JsonObject {
  const responses: JsonObject = {};
  for (const [status, answer] of Object.entries(route.responses)) {
    const contentType = answer.contentType ?? 'application/json';
    // A body without a JSON schema (a PDF, the docs page) is described by its media type (JSON Schema 2020-12).
    const media = answer.schema ? { schema: toSchema(answer.schema, 'output', components) } : { schema: { type: 'string', contentMediaType: contentType } };
    const hasBody = answer.schema !== undefined || answer.contentType !== undefined;
    const headers = answer.headers ? { headers: Object.fromEntries(Object.entries(answer.headers).map(([name, { description }]) => [name, { description, schema: { type: 'string' } }])) } : {};
    responses[status] = { description: answer.description, ...headers, ...(hasBody ? { content: { [contentType]: media } } : {}) };
  }
  for (const name of errorRefs(route)) {
    const status = String(ERROR_RESPONSES[name]!.status);
    responses[status] ??= { $ref: `#/components/responses/${name}` };
  }
  const params = parameters(route, components);
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.service],
    ...(params.length ? { parameters: params } : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.request.body, 'input', components) } } } }
      : {}),
    responses,
    security: route.auth ? [{ bearerAuth: [] }] : [],
  };
}

/** The OpenAPI 3.1 document of the route table: every row's request and response schemas, errors and security. */
export function buildOpenApiDocument(routes: readonly PublicRoute[], info: ApiInfo): JsonObject {
  const schemas: JsonObject = {};
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = (paths[openApiPath(route.path)] ??= {});
    path[route.method.toLowerCase()] = operation(route, schemas);
  }
  schemas.ProblemDetails = toSchema(problemDetailsSchema, 'output', schemas);
  const responses = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([name, { description, headers }]) => [
      name,
      {
        description,
        ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([header, about]) => [header, { description: about, schema: { type: 'string' } }])) } : {}),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
      },
    ]),
  );
  return {
    openapi: '3.1.1',
    info,
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((route) => route.service))].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from /api/auth/login' } },
    },
  };
}

/** The document `GET /api/openapi.json` serves, and the typed client (client/) is generated from. */
export const publicOpenApiDocument = () => buildOpenApiDocument(publicRoutes, API_INFO);

// The shared service kit: every service imports from here, nothing else in this package.
export { loadConfig, ConfigError } from './config/load-config';
export { baseConfigSchema, envBoolean, envList, envPort, envPositiveInt, envUrl, type BaseConfig } from './config/env-types';

export { createLogger, type Logger, type LoggerOptions } from './logging/logger';
export { currentRequestId, runWithRequestContext, type RequestContext } from './logging/request-context';

export * from './errors/app-error';
export { parseOrThrow, toFieldProblems } from './errors/zod-errors';
export { problemType, toProblemDetails, type ProblemDetails } from './errors/problem-details';

export { createServiceApp, type ServiceAppOptions } from './http/create-service-app';
export { runReadinessChecks, type HealthReport, type ReadinessCheck } from './http/health-middleware';
export { REQUEST_ID_HEADER } from './http/request-id-middleware';
export { inFlightLimitMiddleware, type InFlightLimitOptions } from './http/in-flight-limit-middleware';

export { createMetrics, promClient, type ServiceMetrics } from './metrics/metrics';

export { connectNats, type NatsHandle } from './nats/nats-connection';
export { natsRequest, type NatsRequestOptions } from './nats/nats-request';
export { serveRequests, type ServeRequestsOptions } from './nats/nats-subscribe';
export { NatsNoRespondersError, NatsTimeoutError, NatsUnavailableError } from './nats/nats-errors';
export { decodeJson, encodeJson, requestIdHeaders, requestIdOf, type Reply } from './nats/nats-messages';
export { consumeEvents, ensureEventStream, publishEvent, EVENT_STREAM, type EventConsumer } from './nats/jetstream-events';
export { ensureStream, openObjectStore } from './nats/jetstream-streams';

export { connectMongo, type MongoHandle } from './mongo/mongo-connection';

export { startHttpServer, type HttpServerHandle } from './lifecycle/http-server';
export { runService, runShutdownSteps, type RunningService } from './lifecycle/run-service';
export { listen, openServiceRuntime, type ServiceRuntime } from './lifecycle/service-runtime';

export * from './auth/access-token';
export { authMiddleware, type AuthMiddlewareOptions } from './auth/auth-middleware';
export { AccessTokenRejectedError, verifyAccessToken, type AccessTokenRejection, type AccessTokenVerifierOptions } from './auth/access-token-verifier';
export { createJwksKeyStore, createNatsKeyStore, type KeyStore } from './auth/jwks-key-store';
export { tokenCheckOverNats } from './auth/token-check';

export type { HttpMethod, PublicRoute, RouteResponse, ServiceName } from './contract/public-route';
export * from './contract/event-messages';
export type { FieldType, PlaybookCatalog, PlaybookField, PlaybookPhase, PlaybookSection } from './playbook/catalog-types';

// playbook catalog (project-service area)
export { playbookCatalog } from './playbook/catalog';
export { findPlaybookField, listPlaybookFields, splitListAnswer, type LocatedPlaybookField } from './playbook/catalog-lookup';
export * from './contract/project-routes';

// auth-service: its public routes and the schemas it validates with
export * from './contract/auth-routes';

// gateway: its own routes and the whole public route table
export * from './contract/gateway-routes';
export { publicRoutes } from './contract/index';

// pdf-service: its public routes and the schemas it validates with
export * from './contract/pdf-routes';

// The service kit: what every service needs, naming no service. NATS helpers are in `@playbook/kit/nats`, the
// database in `@playbook/kit/mongo`; what services say to each other is in `@playbook/contract`.
// First, so that tracing (when configured) hooks the MongoDB driver before it loads.
import './tracing/instrument-first';
export { loadConfig, ConfigError } from './config/load-config';
export { baseConfigSchema, envBoolean, envList, envPort, envPositiveInt, envUrl, type BaseConfig } from './config/env-types';

export { createLogger, type Logger, type LoggerOptions } from './logging/logger';
export { currentRequestId, runWithRequestContext, type RequestContext } from './logging/request-context';

export * from './errors/app-error';
export { parseOrThrow, toFieldProblems } from './errors/zod-errors';
export { problemType, toProblemDetails, type ProblemDetails } from './errors/problem-details';

export { createServiceApp, type ServiceAppOptions } from './http/create-service-app';
export { runReadinessChecks, type CheckState, type HealthReport, type ReadinessCheck } from './http/health-middleware';
export { REQUEST_ID_HEADER } from './http/request-id-middleware';
export { FORWARDED_CLIENT_HEADER, signForwardedClient } from './http/forwarded-client';
export { userOf } from './http/request-state';
export { inFlightLimitMiddleware, type InFlightLimitOptions } from './http/in-flight-limit-middleware';

export { createMetrics, promClient, type ServiceMetrics } from './metrics/metrics';

export { startTracing, type Tracing } from './tracing/start-tracing';
export { currentTraceIds, forwardTraceContext, traced, type TraceIds } from './tracing/trace-context';
export type { TracingConfig } from './tracing/tracing-config';

export { startHttpServer, type HttpServerHandle } from './lifecycle/http-server';
export { runService, runShutdownSteps, type RunningService } from './lifecycle/run-service';
export { listen, openServiceRuntime, type ServiceRuntime } from './lifecycle/service-runtime';
export { defineService, type BackgroundPart, type DefinedService, type Running, type ServiceContext, type ServiceDefinition, type StartedService, type StopStep } from './lifecycle/define-service';

export * from './auth/access-token';
export { authMiddleware, type AuthMiddlewareOptions } from './auth/auth-middleware';
export { RevocationList, type Revocation, type RevocableClaims } from './auth/revocations';
export { AccessTokenRejectedError, verifyAccessToken, type AccessTokenRejection, type AccessTokenVerifierOptions } from './auth/access-token-verifier';
export { createJwksKeyStore, type KeyStore } from './auth/jwks-key-store';

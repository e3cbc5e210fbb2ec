import { z } from 'zod';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '../auth/access-token';
import { tracingConfigShape } from '../tracing/tracing-config';

/** Env helpers: variables arrive as strings, these coerce and bound them. */
export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const envPositiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes'].includes(value));
export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
export const envUrl = (fallback: string) => z.url().default(fallback);

/** What every service reads: where NATS is, how to log, how long to wait on shutdown. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'debug']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** This service's NATS identity (default: the service's name) and the file holding its password; no file, no credentials. */
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD_FILE: z.string().min(1).optional(),
  /** The CA certificate (PEM file) the NATS server's certificate must chain to; set, the connection must be TLS. */
  NATS_TLS_CA_FILE: z.string().min(1).optional(),
  NATS_REQUEST_TIMEOUT_MS: envPositiveInt(5000),
  /** Cluster nodes holding each JetStream stream, the work queue and the PDF object store; 3 survives losing a node. */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  SHUTDOWN_TIMEOUT_MS: envPositiveInt(10000),
  /**
   * Where `/metrics` is served: unset, on the service port beside the API (one process per port, as `npm start` runs
   * four services from one .env); set, on a server of its own on this port (0: any free port), and the service port
   * answers 404 for it, so a NetworkPolicy can admit Prometheus to metrics without opening the API.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * The key (a file of at least 32 bytes) with which the gateway signs each request's client IP for the services
   * (`X-Playbook-Client`); unset, the gateway vouches for no client and a service sees only the peer's address.
   * `X-Forwarded-For` is trusted by no service, whoever sends it.
   */
  FORWARDING_KEY_FILE: z.string().min(1).optional(),
  /** Who signs access tokens and for whom: auth-service issues them, every service checks them. */
  JWT_ISSUER: z.string().min(1).default(DEFAULT_TOKEN_ISSUER),
  JWT_AUDIENCE: z.string().min(1).default(DEFAULT_TOKEN_AUDIENCE),
  /** OpenTelemetry tracing (kit/src/tracing/tracing-config.ts): off without an OTLP endpoint. */
  ...tracingConfigShape,
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

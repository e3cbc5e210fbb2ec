import { baseConfigSchema, envBoolean, envList, envPort, envPositiveInt, envUrl } from '@playbook/kit';
import { serviceByName, UPSTREAMS } from '@playbook/contract';
import { z } from 'zod';

type UpstreamUrlVariable = (typeof UPSTREAMS)[number]['urlVariable'];
/** Where each service behind the gateway listens: one variable per row of the services table. */
const upstreamUrlShape = Object.fromEntries(UPSTREAMS.map((service) => [service.urlVariable, envUrl(`http://127.0.0.1:${service.port}`)])) as Record<UpstreamUrlVariable, ReturnType<typeof envUrl>>;

/** Every variable the gateway reads; see README.md and .env.example. */
export const gatewayConfigSchema = baseConfigSchema
  .extend({
    PORT: envPort(serviceByName('gateway').port),
    ...upstreamUrlShape,
    HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(1500),

    /** `off` skips token checks at the edge, for benchmarks only; refused in production. */
    GATEWAY_AUTH: z.enum(['on', 'off']).default('on'),

    /** Proxies in front whose X-Forwarded-For entry is trusted for the client IP (ingress-nginx in Kubernetes: 1). */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Browser origins allowed to call the API (comma-separated, exact match); empty: no cross-origin access. */
    CORS_ORIGINS: envList(''),
    BODY_LIMIT_BYTES: envPositiveInt(1024 * 1024),

    /** Time a service has to start answering (504 after); `long` rows (PDF rendering) get PROXY_LONG_TIMEOUT_MS. */
    PROXY_TIMEOUT_MS: envPositiveInt(10_000),
    PROXY_LONG_TIMEOUT_MS: envPositiveInt(120_000),
    /** A service that does not accept the connection within this time is unavailable (503). */
    UPSTREAM_CONNECT_TIMEOUT_MS: envPositiveInt(1_000),
    /** Keep-alive connections per service. */
    UPSTREAM_MAX_SOCKETS: envPositiveInt(256),

    /** Fixed-window limits per client IP and per signed-in user (in memory, per gateway replica). */
    RATE_LIMIT_ENABLED: envBoolean(true),
    RATE_LIMIT_WINDOW_SECONDS: envPositiveInt(60),
    RATE_LIMIT_PER_IP: envPositiveInt(600),
    RATE_LIMIT_PER_USER: envPositiveInt(300),

    /** Live events (`GET /api/events`, docs/events.md): a comment this often keeps proxies from closing an idle stream. */
    EVENTS_HEARTBEAT_MS: envPositiveInt(15_000),
    /** The `retry:` hint: how long EventSource waits before it reconnects. */
    EVENTS_RETRY_MS: envPositiveInt(3_000),
    /** How long a ticket from POST /api/events/ticket may be redeemed (once). */
    EVENTS_TICKET_TTL_MS: envPositiveInt(30_000),
    /** Open streams per gateway replica and per user on it; 429 beyond. */
    EVENTS_MAX_STREAMS: envPositiveInt(2_000),
    EVENTS_MAX_STREAMS_PER_USER: envPositiveInt(10),
    /** The newest events kept in memory for a reconnect with Last-Event-ID; older ones are a `stream.resync`. */
    EVENTS_REPLAY_EVENTS: envPositiveInt(10_000),
    /** Bytes a client may fall behind before its stream is closed (it reconnects and resumes). */
    EVENTS_CLIENT_BUFFER_BYTES: envPositiveInt(256 * 1024),
  })
  .superRefine((config, issues) => {
    if (config.NODE_ENV === 'production' && config.GATEWAY_AUTH === 'off') {
      issues.addIssue({ code: 'custom', path: ['GATEWAY_AUTH'], message: 'must not be off in production (benchmarks only)' });
    }
    if (config.NODE_ENV === 'production' && !config.FORWARDING_KEY_FILE) {
      issues.addIssue({ code: 'custom', path: ['FORWARDING_KEY_FILE'], message: 'is required in production (auth-service throttles by the client IP the gateway signs)' });
    }
  });
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

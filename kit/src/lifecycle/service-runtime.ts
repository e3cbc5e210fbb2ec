import { readFileSync } from 'node:fs';
import type Koa from 'koa';
import type { BaseConfig } from '../config/env-types';
import { FORWARDING_KEY_MIN_BYTES } from '../http/forwarded-client';
import type { ReadinessCheck } from '../http/health-middleware';
import { createLogger, logFormatFor, type Logger } from '../logging/logger';
import { createMetrics, type ServiceMetrics } from '../metrics/metrics';
import type { MongoHandle } from '../mongo/mongo-connection';
import { connectNats, type NatsHandle } from '../nats/nats-connection';
import { tracesUrlOf } from '../tracing/tracing-config';
import { startHttpServer } from './http-server';
import { startMetricsServer } from './metrics-server';
import { runShutdownSteps, type RunningService } from './run-service';

/** The connections and instruments a service is built from; opened once by its composition root. */
export interface ServiceRuntime {
  name: string;
  config: BaseConfig;
  logger: Logger;
  metrics: ServiceMetrics;
  nats: NatsHandle;
  mongo?: MongoHandle;
  readiness: Record<string, ReadinessCheck>;
  /** FORWARDING_KEY_FILE's key: the gateway signs client IPs with it, the services check them (createServiceApp). */
  forwardingKey?: Buffer;
}

export interface OpenRuntimeOptions {
  name: string;
  config: BaseConfig;
  /**
   * Opens this service's own database (`openDatabase` from `@playbook/kit/mongo`); omitted for the gateway, which
   * keeps no data and so never loads the database driver.
   */
  openDatabase?: (logger: Logger) => Promise<MongoHandle>;
  /** Tests pass a logger that captures lines. */
  logger?: Logger;
}

/** A credential mounted as a file (a Kubernetes Secret, the local stack's data folder): its content, without the trailing newline. */
function readSecretFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function readForwardingKey(path: string): Buffer {
  const key = Buffer.from(readSecretFile(path, 'FORWARDING_KEY_FILE'));
  if (key.length < FORWARDING_KEY_MIN_BYTES) throw new Error(`FORWARDING_KEY_FILE: ${path} holds ${key.length} bytes, at least ${FORWARDING_KEY_MIN_BYTES} are needed`);
  return key;
}

export async function openServiceRuntime({ name, config, openDatabase, logger: given }: OpenRuntimeOptions): Promise<ServiceRuntime> {
  const forwardingKey = config.FORWARDING_KEY_FILE ? readForwardingKey(config.FORWARDING_KEY_FILE) : undefined;
  const logger = given ?? createLogger({ service: name, level: config.LOG_LEVEL, format: logFormatFor(config) });
  const metrics = createMetrics(name, { ownPort: config.METRICS_PORT !== undefined, exemplars: tracesUrlOf(config) !== undefined });
  const credentials = config.NATS_PASSWORD_FILE ? { user: config.NATS_USER ?? name, password: readSecretFile(config.NATS_PASSWORD_FILE, 'NATS_PASSWORD_FILE') } : undefined;
  const nats = await connectNats({ url: config.NATS_URL, name, logger, streamReplicas: config.NATS_STREAM_REPLICAS, credentials, tlsCaFile: config.NATS_TLS_CA_FILE });
  let mongo: MongoHandle | undefined;
  try {
    mongo = openDatabase ? await openDatabase(logger) : undefined;
  } catch (error) {
    await nats.drain().catch(() => undefined);
    throw error;
  }
  const readiness: Record<string, ReadinessCheck> = { nats: () => nats.isConnected() };
  if (mongo) readiness.database = () => mongo.isConnected();
  return { name, config, logger, metrics, nats, mongo, readiness, forwardingKey };
}

export interface ListenOptions {
  port: number;
  host?: string;
  /** Run after the HTTP server stopped taking requests and before NATS drains, e.g. stopping workers. */
  beforeDisconnect?: Array<[string, () => Promise<unknown>]>;
}

/**
 * Listens (and, with METRICS_PORT, serves `/metrics` on a server of its own, on the same host), and returns the
 * handle whose `stop` shuts down in order: stop taking requests, drain them, close NATS and the database, and last
 * the metrics server, so Prometheus still reads the service while it drains.
 */
export async function listen(runtime: ServiceRuntime, app: Koa, options: ListenOptions): Promise<RunningService> {
  const { logger, nats, mongo, config } = runtime;
  const metricsServer = config.METRICS_PORT === undefined ? undefined : await startMetricsServer(runtime.metrics, config.METRICS_PORT, options.host);
  const http = await startHttpServer(app, options.port, options.host).catch(async (error: unknown) => {
    await metricsServer?.close(0);
    throw error;
  });
  return {
    url: http.url,
    address: http.address,
    port: http.port,
    metrics: metricsServer && { url: metricsServer.url, address: metricsServer.address, port: metricsServer.port },
    logger,
    stop: () =>
      runShutdownSteps(logger, [
        ['http', () => http.close(config.SHUTDOWN_TIMEOUT_MS)],
        ...(options.beforeDisconnect ?? []),
        ['nats', () => nats.drain()],
        ['database', () => mongo?.close() ?? Promise.resolve()],
        ['metrics', () => metricsServer?.close(config.SHUTDOWN_TIMEOUT_MS) ?? Promise.resolve()],
      ]),
  };
}

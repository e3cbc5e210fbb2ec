import { z } from 'zod';

/**
 * The OpenTelemetry variables (the names and meanings the OpenTelemetry specification gives them). Tracing is on
 * when an OTLP endpoint is set; unset, no SDK is loaded and a request pays one branch.
 */
export const tracingConfigShape = {
  /** The collector's OTLP/HTTP base URL, e.g. `http://otel-collector:4318`; spans go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** The full traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_traceidratio'),
  /** The ratio of the `*traceidratio` samplers: 1 keeps every trace (local default), the chart's production values 0.1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** The `service.name` of the spans; defaults to the service's own name. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  /** How long finished spans wait to be sent together (milliseconds). */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).default(5000),
};

const tracingConfigSchema = z.object(tracingConfigShape);
export type TracingConfig = z.infer<typeof tracingConfigSchema>;

/** Where spans go, or undefined when tracing is off (no endpoint, the SDK disabled, or a sampler that keeps nothing). */
export function tracesUrlOf(config: TracingConfig): string | undefined {
  if (config.OTEL_SDK_DISABLED || config.OTEL_TRACES_SAMPLER === 'always_off') return undefined;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/** The same decision from the raw environment, for the one place that must decide before any configuration is read. */
export function tracingConfiguredIn(env: NodeJS.ProcessEnv): boolean {
  const parsed = tracingConfigSchema.safeParse(env);
  return parsed.success && tracesUrlOf(parsed.data) !== undefined;
}

import { baseConfigSchema, envPort, envUrl } from '@playbook/shared';
import { z } from 'zod';

/** Every variable the gateway reads; see .env.example. */
export const gatewayConfigSchema = baseConfigSchema.extend({
  PORT: envPort(8080),
  AUTH_SERVICE_URL: envUrl('http://127.0.0.1:8081'),
  PROJECT_SERVICE_URL: envUrl('http://127.0.0.1:8082'),
  PDF_SERVICE_URL: envUrl('http://127.0.0.1:8083'),
  HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(1500),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

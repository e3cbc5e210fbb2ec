import { baseConfigSchema, envPort } from '@playbook/shared';
import { z } from 'zod';

/** Every variable auth-service reads; see .env.example. */
export const authConfigSchema = baseConfigSchema.extend({
  PORT: envPort(8081),
  MONGO_DB: z.string().min(1).default('auth'),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

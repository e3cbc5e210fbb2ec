import { baseConfigSchema, envPort } from '@playbook/shared';
import { z } from 'zod';

/** Every variable project-service reads; see .env.example. */
export const projectConfigSchema = baseConfigSchema.extend({
  PORT: envPort(8082),
  MONGO_DB: z.string().min(1).default('projects'),
});
export type ProjectConfig = z.infer<typeof projectConfigSchema>;

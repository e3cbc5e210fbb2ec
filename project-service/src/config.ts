import { baseConfigSchema, envPort, envPositiveInt } from '@playbook/kit';
import { databaseConfigShape } from '@playbook/kit/mongo';
import { serviceByName } from '@playbook/contract';
import { z } from 'zod';

/** Every variable project-service reads; see README.md and .env.example. */
export const projectConfigSchema = baseConfigSchema.extend({
  PORT: envPort(serviceByName('project').port),
  ...databaseConfigShape(serviceByName('project').database),
  /** Largest JSON body: a full PUT of answers can carry several megabytes of text. */
  MAX_BODY_SIZE: z.string().regex(/^\d+(kb|mb)$/i, 'must look like 512kb or 6mb').default('6mb'),
  /** A project or owner lock not renewed this long (its holder renews it every third of this) is taken as abandoned: its writer died; a save in it is finished by the next request. */
  PROJECT_LOCK_STALE_MS: envPositiveInt(5_000),
  /**
   * Changes (POST, PATCH, PUT, DELETE) handled at once; more are answered 429 with Retry-After instead of piling up.
   * A save is one write of ~40 ms, so 32 only fill when the database or the CPU is overloaded: at 8, 50 users
   * beside PDF renders on 2 cores already got 2.7 % of their saves refused (docs/reliability.md, Load).
   */
  MAX_CONCURRENT_WRITES: envPositiveInt(32),
  /** Projects one account may keep; creating one more is a 409 until one is deleted (one user cannot fill the database). */
  MAX_PROJECTS_PER_USER: envPositiveInt(200),
});
export type ProjectConfig = z.infer<typeof projectConfigSchema>;

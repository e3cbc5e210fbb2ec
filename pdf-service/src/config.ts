import { baseConfigSchema, envPort } from '@playbook/shared';
import { z } from 'zod';

/** Every variable pdf-service reads; see .env.example. */
export const pdfConfigSchema = baseConfigSchema.extend({
  PORT: envPort(8083),
  MONGO_DB: z.string().min(1).default('pdf'),
});
export type PdfConfig = z.infer<typeof pdfConfigSchema>;

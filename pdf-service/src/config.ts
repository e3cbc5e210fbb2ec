import { availableParallelism } from 'node:os';
import { baseConfigSchema, envBoolean, envPort, envPositiveInt } from '@playbook/kit';
import { databaseConfigShape } from '@playbook/kit/mongo';
import { serviceByName } from '@playbook/contract';
import { z } from 'zod';
import { DEFAULT_CHROMIUM_NICENESS, DEFAULT_CHROMIUM_PATH } from './rendering/chromium-launch';
import { DEFAULT_MAX_RENDERS_PER_PAGE } from './rendering/page-pool';

/** Every variable pdf-service reads; see README.md and .env.example. */
export const pdfConfigSchema = baseConfigSchema.extend({
  PORT: envPort(serviceByName('pdf').port),
  ...databaseConfigShape(serviceByName('pdf').database),
  /** Debian's Chromium headless shell; a browser download cannot work on the build machines. */
  CHROMIUM_PATH: z.string().min(1).default(DEFAULT_CHROMIUM_PATH),
  /** Chromium's niceness: when the CPU is short, the service's own work (the API, NATS, storing PDFs) goes first; 0 turns it off. */
  CHROMIUM_NICENESS: z.coerce.number().int().min(0).max(19).default(DEFAULT_CHROMIUM_NICENESS),
  /** Pages rendering at once (one browser); defaults to the CPU count. */
  PDF_PAGE_POOL_SIZE: envPositiveInt(availableParallelism()),
  PDF_RENDER_TIMEOUT_MS: envPositiveInt(30_000),
  /** The browser is replaced after this many renders, so a slow leak never grows without bound. */
  PDF_BROWSER_MAX_RENDERS: envPositiveInt(500),
  /** A page is closed after this many renders and a new one, with a new renderer process, takes its place. */
  PDF_PAGE_MAX_RENDERS: envPositiveInt(DEFAULT_MAX_RENDERS_PER_PAGE),
  /** Jobs queued in the JetStream work queue (all replicas) beyond which a new one is refused (429). */
  PDF_JOB_QUEUE_LIMIT: envPositiveInt(200),
  /** Whether this replica renders jobs; API-only replicas set it to false. */
  PDF_WORKER_ENABLED: envBoolean(true),
  /** Jobs one replica works on at once; defaults to twice the page pool size, so storing one PDF overlaps rendering the next. */
  PDF_WORKER_CONCURRENCY: z.coerce.number().int().positive().optional(),
  PDF_JOB_MAX_DELIVERIES: envPositiveInt(3),
  /** How long a job may go without an ack or heartbeat before JetStream hands it to another worker. */
  PDF_JOB_ACK_WAIT_MS: envPositiveInt(30_000),
  /** How long POST /api/generate-pdf waits for the PDF before answering 202 with the job. */
  PDF_SYNC_LIMIT_MS: envPositiveInt(60_000),
  PDF_RETENTION_DAYS: z.coerce.number().positive().default(7),
  /** Jobs one user may have queued or rendering at once; one more is a 429 (one user cannot fill the shared queue). */
  PDF_JOBS_PER_USER: envPositiveInt(3),
  PDF_SWEEP_INTERVAL_MS: envPositiveInt(3_600_000),
  /** Recently rendered PDFs kept in memory for fast repeated downloads (0 turns it off). */
  PDF_MEMORY_CACHE_MB: z.coerce.number().int().min(0).default(32),
});
export type PdfConfig = z.infer<typeof pdfConfigSchema>;

import type { z } from 'zod';
import type { pdfJobStatusSchema } from '@playbook/contract';

export type PdfJobStatus = z.infer<typeof pdfJobStatusSchema>;

/** A render job as the domain sees it (plain object, no mongoose). */
export interface PdfJob {
  jobId: string;
  projectId: string;
  ownerId: string;
  projectName: string;
  cacheKey: string;
  status: PdfJobStatus;
  error?: string;
  fileId?: string;
  pages?: number;
  bytes?: number;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  /** When the job and its PDF are removed (PDF_RETENTION_DAYS after the render). */
  expiresAt: Date;
  /** The owner's place (JobSlots) the job holds while in progress; given back when it is done or failed. */
  slot?: number;
  /** Until then the request that started the job renders it (NewJob.heldUntil). */
  heldUntil?: Date;
}

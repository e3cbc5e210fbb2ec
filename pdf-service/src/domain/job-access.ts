import { type PdfJobView } from '@playbook/contract';
import { AppError, ConflictError, NotFoundError } from '@playbook/kit';
import type { PdfJob } from './pdf-job';
import type { PdfUseCaseDeps } from './pdf-use-case-deps';

/** The job failed for good (after its retries): the render cannot be had right now. */
export class PdfJobFailedError extends AppError {
  constructor(reason: string) {
    super(503, 'pdf-render-failed', 'PDF render failed', { detail: reason, retryAfterSeconds: 30 });
  }
}

export function toJobView(job: PdfJob): PdfJobView {
  return {
    jobId: job.jobId,
    projectId: job.projectId,
    status: job.status,
    ...(job.error && job.status === 'failed' ? { error: job.error } : {}),
    ...(job.status === 'done' ? { fileUrl: `/api/pdf/jobs/${encodeURIComponent(job.jobId)}/file`, pages: job.pages, bytes: job.bytes } : {}),
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/**
 * The caller's job; another user's job is 404, never 403 (its existence is not revealed), also when both are
 * members of the project: a job is its requester's alone (request-pdf.ts gives each member their own).
 */
export async function findOwnedJob(deps: Pick<PdfUseCaseDeps, 'jobs'>, ownerId: string, jobId: string): Promise<PdfJob> {
  const job = await deps.jobs.find(jobId);
  if (!job || job.ownerId !== ownerId) throw new NotFoundError('No such PDF job');
  return job;
}

/** The PDF of a finished job: 409 while it is still rendering, 404 once it expired or was deleted. */
export async function readJobPdf(deps: Pick<PdfUseCaseDeps, 'files'>, job: PdfJob): Promise<Buffer> {
  if (job.status === 'failed') throw new PdfJobFailedError(job.error ?? 'The render failed');
  if (job.status !== 'done' || !job.fileId) throw new ConflictError(`The PDF is not ready yet (the job is ${job.status})`);
  const pdf = await deps.files.read(job.fileId);
  if (!pdf) throw new NotFoundError('The PDF has expired or was deleted');
  return pdf;
}

/** `<project>-playbook.pdf`, with characters that break file names or headers replaced. */
export function pdfFileName(projectName: string): string {
  const safe = projectName.replace(/[\\/:*?"<>|\p{Cc}]+/gu, '-').replace(/\s+/g, ' ').trim().slice(0, 80) || 'project';
  return `${safe}-playbook.pdf`;
}

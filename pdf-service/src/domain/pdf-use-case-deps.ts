import type { PdfJobUpdatedEvent } from '@playbook/contract';
import type { Logger } from '@playbook/kit';
import type { DocumentRenderer, JobEvents, JobMetrics, JobRepository, JobSlots, PdfFileStore, ProjectSource, RenderQueue } from './ports';

/** What the PDF use cases work with; NATS, HTTP and Chromium stay outside, behind the ports. */
export interface PdfUseCaseDeps extends ProjectSource, RenderQueue, JobEvents {
  jobs: JobRepository;
  jobSlots: JobSlots;
  /** Jobs one owner may have queued or rendering at once. */
  maxJobsPerOwner: number;
  files: PdfFileStore;
  metrics: JobMetrics;
  logger: Logger;
  retentionMs: number;
}

export interface RenderUseCaseDeps extends PdfUseCaseDeps {
  renderer: DocumentRenderer;
}

/**
 * Announces that a job was queued or started rendering, for the live event stream. Unlike `done` and `failed`,
 * which the waiting requests depend on, progress is news only: when it cannot be announced the job goes on.
 */
export async function announceProgress(deps: Pick<PdfUseCaseDeps, 'publishJobUpdated' | 'logger'>, event: PdfJobUpdatedEvent & { status: 'queued' | 'rendering' }): Promise<void> {
  await deps.publishJobUpdated(event).catch((error: unknown) => deps.logger.warn(`job ${event.jobId}: could not announce it ${event.status}: ${(error as Error).message}`, { jobId: event.jobId }));
}

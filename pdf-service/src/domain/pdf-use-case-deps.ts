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
  /**
   * How long a request rendering its own job holds it (render-here.ts) before the work queue may render it: the
   * longest a render can take, so the queue takes over only from a request whose process died.
   */
  holdMs: number;
  /** The jobs requests of this process are rendering themselves, each settled once it is recorded done or handed back. */
  heldHere: Map<string, Promise<void>>;
}

/**
 * Announces a job's state that no request waits for, for the live event stream: queued, rendering, or failed
 * before it was ever queued (its requester is answered with the error). Unlike the `done` and `failed` that
 * waiting requests depend on, this is news only: when it cannot be announced the job goes on.
 */
export async function announceNews(deps: Pick<PdfUseCaseDeps, 'publishJobUpdated' | 'logger'>, event: PdfJobUpdatedEvent): Promise<void> {
  await deps.publishJobUpdated(event).catch((error: unknown) => deps.logger.warn(`job ${event.jobId}: could not announce it ${event.status}: ${(error as Error).message}`, { jobId: event.jobId }));
}

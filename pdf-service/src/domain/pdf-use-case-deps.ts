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

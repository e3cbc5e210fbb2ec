import type { Logger, PdfJobUpdatedEvent, ProjectSnapshot, ProjectVersion } from '@playbook/shared';
import type { JobRepository } from '../data/job-repository';
import type { PdfFileStore } from '../data/pdf-file-store';
import type { PdfMetrics } from '../pdf-metrics';
import type { PdfRenderer } from '../rendering/pdf-renderer';

/** What the PDF use cases work with; NATS and HTTP stay outside, behind these functions. */
export interface PdfUseCaseDeps {
  jobs: JobRepository;
  files: PdfFileStore;
  metrics: PdfMetrics;
  logger: Logger;
  retentionMs: number;
  /** project.v1.snapshot.get: 404 when the project does not exist or is not the owner's. */
  fetchSnapshot(projectId: string, ownerId: string): Promise<ProjectSnapshot>;
  /** project.v1.version.get: the snapshot's versions without the answers; 404 like the snapshot. */
  fetchVersion(projectId: string, ownerId: string): Promise<ProjectVersion>;
  /** Queues the job; the snapshot rides along when small. */
  enqueue(jobId: string, snapshot: ProjectSnapshot): Promise<void>;
  publishJobUpdated(event: PdfJobUpdatedEvent): Promise<void>;
}

export interface RenderUseCaseDeps extends PdfUseCaseDeps {
  renderer: PdfRenderer;
}

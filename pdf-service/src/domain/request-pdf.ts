import { randomUUID } from 'node:crypto';
import { pdfCacheKey, snapshotCacheKey } from './cache-key';
import type { PdfJob } from './pdf-job';
import type { PdfUseCaseDeps } from './pdf-use-case-deps';

export interface PdfRequestOutcome {
  job: PdfJob;
  /** The PDF for this exact content is already stored: no render needed. */
  cached: boolean;
}

/** A queued or rendering job older than this is presumed lost and a new one is started. */
const STALE_JOB_MS = 10 * 60 * 1000;

const isStored = (job: PdfJob, now: number) => job.status === 'done' && job.expiresAt.getTime() > now;

function cachedOutcome(deps: PdfUseCaseDeps, job: PdfJob): PdfRequestOutcome {
  deps.metrics.cacheRequests.inc({ result: 'hit' });
  return { job, cached: true };
}

/**
 * Starts (or finds) the PDF of a project for its owner. The cache key comes from (catalog, template, content
 * version, project): the versions alone are asked for first, so a stored PDF is served without the answers
 * ever being read; otherwise the snapshot comes from project-service, a render in progress is joined, or a
 * job goes to the work queue.
 */
export async function requestPdf(deps: PdfUseCaseDeps, ownerId: string, projectId: string, requestId?: string): Promise<PdfRequestOutcome> {
  const version = await deps.fetchVersion(projectId, ownerId);
  const stored = await deps.jobs.findLatestForKey(pdfCacheKey(projectId, version), ['done']);
  if (stored && isStored(stored, Date.now())) return cachedOutcome(deps, stored);
  // The snapshot may be newer than the versions just read (a save in between): its own key decides.
  const snapshot = await deps.fetchSnapshot(projectId, ownerId);
  const cacheKey = snapshotCacheKey(snapshot);
  const latest = await deps.jobs.findLatestForKey(cacheKey, ['done', 'queued', 'rendering']);
  const now = Date.now();
  if (latest && isStored(latest, now)) return cachedOutcome(deps, latest);
  if (latest && latest.status !== 'done' && now - latest.updatedAt.getTime() < STALE_JOB_MS) return { job: latest, cached: false };
  deps.metrics.cacheRequests.inc({ result: 'miss' });
  const job = await deps.jobs.create({
    jobId: randomUUID(),
    projectId,
    ownerId,
    projectName: snapshot.project.name,
    cacheKey,
    requestId,
    expiresAt: new Date(now + deps.retentionMs),
  });
  try {
    await deps.enqueue(job.jobId, snapshot);
  } catch (error) {
    await deps.jobs.markFailed(job.jobId, 'The job could not be queued');
    throw error;
  }
  return { job, cached: false };
}

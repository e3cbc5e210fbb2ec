import { randomUUID } from 'node:crypto';
import { pdfCacheKey } from './cache-key';
import type { PdfJob } from './pdf-job';
import type { PdfUseCaseDeps } from './pdf-use-case-deps';

export interface PdfRequestOutcome {
  job: PdfJob;
  /** The PDF for this exact content is already stored: no render needed. */
  cached: boolean;
}

/** A queued or rendering job older than this is presumed lost and a new one is started. */
const STALE_JOB_MS = 10 * 60 * 1000;

/**
 * Starts (or finds) the PDF of a project for its owner: the snapshot comes from project-service, the cache
 * key from (catalog, template, content version, project); a stored PDF is reused, a render in progress is
 * joined, otherwise a job goes to the work queue.
 */
export async function requestPdf(deps: PdfUseCaseDeps, ownerId: string, projectId: string, requestId?: string): Promise<PdfRequestOutcome> {
  const snapshot = await deps.fetchSnapshot(projectId, ownerId);
  const cacheKey = pdfCacheKey(snapshot);
  const latest = await deps.jobs.findLatestForKey(cacheKey, ['done', 'queued', 'rendering']);
  const now = Date.now();
  if (latest?.status === 'done' && latest.expiresAt.getTime() > now) {
    deps.metrics.cacheRequests.inc({ result: 'hit' });
    return { job: latest, cached: true };
  }
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

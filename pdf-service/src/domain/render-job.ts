import type { ProjectSnapshot } from '@playbook/contract';
import { AppError, traced } from '@playbook/kit';
import { snapshotCacheKey } from './cache-key';
import { buildPlaybookDocument } from './document-model';
import type { PdfJob } from './pdf-job';
import { playbookRenderInput } from './playbook-template';
import { announceNews, type PdfUseCaseDeps, type RenderUseCaseDeps } from './pdf-use-case-deps';
import type { RenderedPdf, ReservedPage, StoredPdf } from './ports';

/** A job that cannot succeed however often it is retried (its project is gone, for instance). */
export class PermanentJobError extends Error {}

export type RenderJobResult = { outcome: 'done'; job: PdfJob } | { outcome: 'skipped'; reason: string };

/** The job's document rendered (on `page` when one is reserved for it): the PDF and what the log line says of it. */
export async function renderDocument(deps: RenderUseCaseDeps, job: PdfJob, snapshot: ProjectSnapshot, page?: ReservedPage): Promise<RenderedDocument> {
  const doc = buildPlaybookDocument(snapshot);
  const renderer = page ?? deps.renderer;
  const rendered = await traced('pdf.render', () => renderer.render(playbookRenderInput(doc)), { 'pdf.job_id': job.jobId });
  return { ...rendered, counts: { responses: doc.responseCount, fields: doc.fieldCount, fieldsWithData: doc.answeredCount } };
}

export interface RenderedDocument extends RenderedPdf {
  counts: { responses: number; fields: number; fieldsWithData: number };
}

/** Stores a rendered PDF under its cache key, and logs the render. */
export async function storeRendered(deps: RenderUseCaseDeps, job: PdfJob, cacheKey: string, rendered: RenderedDocument): Promise<StoredPdf> {
  const { jobId, projectId } = job;
  const { pdf, pages } = rendered;
  const expiresAt = new Date(Date.now() + deps.retentionMs);
  const storing = performance.now();
  const stored = await deps.files.save(cacheKey, pdf, { projectId, ownerId: job.ownerId, pages, expiresAt });
  const storeMs = Math.round(performance.now() - storing);
  const counts = { ...rendered.counts, durationMs: Math.round(rendered.durationMs), pages, bytes: pdf.length, storeMs };
  deps.logger.info(
    `rendered job ${jobId}: ${counts.responses} responses, ${counts.fieldsWithData}/${counts.fields} fields with data, ${counts.durationMs} ms, ${pages} pages, ${pdf.length} bytes (stored in ${storeMs} ms)`,
    { jobId, projectId, ...counts },
  );
  if (counts.fieldsWithData === 0) deps.logger.warn(`project ${projectId} has no answers: the PDF is blank with an "empty" banner`, { jobId, projectId });
  return stored;
}

/** The job's PDF: the one stored for its content, or a new render of it, stored. */
async function storedPdfOf(deps: RenderUseCaseDeps, job: PdfJob, startedWith?: ProjectSnapshot): Promise<{ cacheKey: string; stored: StoredPdf }> {
  const snapshot =
    startedWith ??
    (await deps.fetchSnapshot(job.projectId, job.ownerId).catch((error: unknown) => {
      if (error instanceof AppError && error.status === 404) throw new PermanentJobError('The project no longer exists');
      throw error;
    }));
  const cacheKey = snapshotCacheKey(snapshot);
  const found = await deps.files.findByKey(cacheKey);
  if (found) {
    deps.logger.info(`job ${job.jobId}: reusing the PDF already stored for this content (${found.pages} pages, ${found.bytes} bytes)`);
    return { cacheKey, stored: found };
  }
  return { cacheKey, stored: await storeRendered(deps, job, cacheKey, await renderDocument(deps, job, snapshot)) };
}

/** Records a job done with its stored PDF, announces it and gives its place back. */
export async function finishJob(deps: PdfUseCaseDeps, job: PdfJob, cacheKey: string, stored: StoredPdf): Promise<PdfJob> {
  const { jobId, projectId, ownerId } = job;
  const done = await deps.jobs.markDone(job, { fileId: stored.fileId, cacheKey, pages: stored.pages, bytes: stored.bytes, expiresAt: stored.expiresAt });
  await Promise.all([deps.publishJobUpdated({ jobId, projectId, ownerId, status: 'done' }), giveBackSlot(deps, done)]);
  deps.metrics.jobs.inc({ status: 'done' });
  return done;
}

/**
 * How soon a job held by another replica's request is looked at again: after about one render first, then twice
 * as long each time up to every second, so that a worker of this replica is busy with it little longer than the
 * render, and reads the job a few times at most however long the hold.
 */
const HELD_ELSEWHERE_FIRST_CHECK_MS = 100;
const HELD_ELSEWHERE_MAX_CHECK_MS = 1_000;

const isHeld = (job: PdfJob) => job.status === 'rendering' && job.heldUntil !== undefined && job.heldUntil.getTime() > Date.now();

/**
 * The job once no request renders it any more (render-here.ts): a request of this process is awaited; another
 * replica's is looked at again and again (HELD_ELSEWHERE_*) until the job has finished, was handed back or its
 * hold is over.
 */
async function afterHold(deps: RenderUseCaseDeps, jobId: string): Promise<PdfJob | undefined> {
  await deps.heldHere.get(jobId);
  let job = await deps.jobs.find(jobId);
  for (let pause = HELD_ELSEWHERE_FIRST_CHECK_MS; job && isHeld(job); pause = Math.min(2 * pause, HELD_ELSEWHERE_MAX_CHECK_MS)) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, job!.heldUntil!.getTime() - Date.now())));
    job = await deps.jobs.find(jobId);
  }
  return job;
}

/**
 * Renders one job: takes the snapshot the job was started with (or fetches the current one), reuses the PDF stored for its cache key or renders
 * and stores it, records the job as done and announces it. Safe to run twice for one job (redelivery):
 * a finished job is skipped and a stored PDF is never stored again. A job its request renders itself is left to
 * that request until it is done, handed back, or its hold ends (the request's process died).
 */
export async function renderJob(deps: RenderUseCaseDeps, jobId: string, attempt: number, startedWith?: ProjectSnapshot): Promise<RenderJobResult> {
  const started = performance.now();
  const job = await afterHold(deps, jobId);
  if (!job) return { outcome: 'skipped', reason: 'the job no longer exists' };
  if (job.status === 'done' || job.status === 'failed') return { outcome: 'skipped', reason: `the job is already ${job.status}` };
  // The job's new state and its announcement go on beside the render, which needs neither; both are settled
  // before the job is marked done or given up, so `rendering` is never announced after `done` or `failed`.
  const markedRendering = deps.jobs.markRendering(jobId, attempt).then(() => announceNews(deps, { jobId, projectId: job.projectId, ownerId: job.ownerId, status: 'rendering' }));
  const { cacheKey, stored } = await storedPdfOf(deps, job, startedWith).catch(async (error: unknown) => {
    await markedRendering.catch(() => undefined);
    throw error;
  });
  await markedRendering;
  const done = await finishJob(deps, job, cacheKey, stored);
  deps.logger.debug(`job ${jobId} done in ${Math.round(performance.now() - started)} ms`, { jobId });
  return { outcome: 'done', job: done };
}

/**
 * Frees the owner's place a finished job held, so the owner's next PDF takes it with one write. Only a
 * shortcut: when it fails, the next request finds the job finished and frees the place itself (request-pdf.ts).
 */
async function giveBackSlot(deps: PdfUseCaseDeps, job: PdfJob): Promise<void> {
  if (job.slot === undefined) return;
  await deps.jobSlots.free(job.ownerId, job.slot, job.jobId).catch((error: unknown) => deps.logger.warn(`job ${job.jobId}: its place stays taken until the owner's next PDF frees it: ${(error as Error).message}`, { jobId: job.jobId }));
}

/**
 * Records a job as failed for good, announces it and gives its place back. With `awaitAnnouncement: false` it
 * resolves once the failure is recorded and the place given back, and the announcement goes on without it: for
 * a caller answering a request while NATS, which carries the announcement, may be what failed.
 */
export async function failJob(deps: PdfUseCaseDeps, jobId: string, reason: string, { awaitAnnouncement = true } = {}): Promise<void> {
  const job = await deps.jobs.markFailed(jobId, reason);
  if (!job) return;
  deps.logger.warn(`job ${jobId} failed: ${reason}`, { jobId, projectId: job.projectId });
  deps.metrics.jobs.inc({ status: 'failed' });
  const event = { jobId, projectId: job.projectId, ownerId: job.ownerId, status: 'failed', error: reason } as const;
  if (!awaitAnnouncement) {
    void announceNews(deps, event);
    return giveBackSlot(deps, job);
  }
  await Promise.all([deps.publishJobUpdated(event), giveBackSlot(deps, job)]);
}

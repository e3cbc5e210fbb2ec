import type { ProjectSnapshot } from '@playbook/contract';
import type { PdfJob } from './pdf-job';
import type { ReservedPage } from './ports';
import { announceNews, type RenderUseCaseDeps } from './pdf-use-case-deps';
import { failJob, finishJob, renderDocument, storeRendered } from './render-job';

export interface RenderedHere {
  job: PdfJob;
  pdf: Buffer;
}

/**
 * Renders a one-call PDF in the request that asked for it, on the page reserved for it: the render starts
 * without the work queue's round trips, and the answer goes out as soon as Chromium is done, the PDF being stored
 * and the job recorded done right after. The job (created held: `NewJob.heldUntil`) is still queued, beside the
 * render, so that nothing is lost: its delivery waits for this render (renderJob), and renders the job itself if
 * this render fails (the hold ends at once) or this process dies (the hold runs out). Resolves with the PDF, or
 * undefined when the render failed and the job went back to the queue (or failed, when it could not be queued).
 */
export function renderHere(deps: RenderUseCaseDeps, page: ReservedPage, job: PdfJob, snapshot: ProjectSnapshot): Promise<RenderedHere | undefined> {
  let answer: (rendered: RenderedHere | undefined) => void = () => undefined;
  const answered = new Promise<RenderedHere | undefined>((resolve) => (answer = resolve));
  const held = holdAndRender(deps, page, job, snapshot, answer)
    .catch((error: unknown) => void deps.logger.error(`job ${job.jobId}: rendering it in its request failed: ${(error as Error).message}`, { jobId: job.jobId }))
    .finally(() => {
      deps.heldHere.delete(job.jobId);
      answer(undefined);
    });
  deps.heldHere.set(job.jobId, held);
  return answered;
}

async function holdAndRender(deps: RenderUseCaseDeps, page: ReservedPage, job: PdfJob, snapshot: ProjectSnapshot, answer: (rendered: RenderedHere) => void): Promise<void> {
  const { jobId, projectId, ownerId, cacheKey } = job;
  const announced = announceNews(deps, { jobId, projectId, ownerId, status: 'rendering' });
  const queued = deps.enqueue(jobId, snapshot).then(
    () => true,
    (error: unknown) => {
      deps.logger.warn(`job ${jobId}: not queued beside its render, so nothing renders it again should this one fail: ${(error as Error).message}`, { jobId });
      return false;
    },
  );
  /** The job to the queue after a failure here, or failed for good when the queue does not have it. */
  const handBack = async (reason: string) => {
    if (await queued) return deps.jobs.markRetrying(jobId, reason);
    await announced;
    return failJob(deps, jobId, reason);
  };
  // The stored PDF of this content (from a render that finished between the lookup and now) is not looked for:
  // it is rare, and storing the same content again replaces it with an equal file.
  const rendered = await renderDocument(deps, job, snapshot, page).catch(async (error: unknown) => {
    deps.logger.warn(`job ${jobId}: its render failed, the work queue takes it: ${(error as Error).message}`, { jobId });
    await handBack(`Rendering failed: ${(error as Error).message}`);
    return undefined;
  });
  if (!rendered) return;
  answer({ job: { ...job, pages: rendered.pages, bytes: rendered.pdf.length }, pdf: rendered.pdf });
  try {
    const stored = await storeRendered(deps, job, cacheKey, rendered);
    await Promise.all([announced, queued]);
    await finishJob(deps, job, cacheKey, stored);
  } catch (error) {
    deps.logger.warn(`job ${jobId}: its PDF could not be stored, the work queue takes it: ${(error as Error).message}`, { jobId });
    await handBack(`Storing the PDF failed: ${(error as Error).message}`);
  }
}

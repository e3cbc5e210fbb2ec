import { findOwnedJob, readJobPdf } from './job-access';
import type { PdfJob } from './pdf-job';
import type { RenderUseCaseDeps } from './pdf-use-case-deps';
import type { JobWaiting } from './ports';
import { renderHere } from './render-here';
import { requestPdf } from './request-pdf';

/** The file when the PDF was ready within the wait, otherwise the job to poll. */
export type GeneratedPdf = { ready: true; job: PdfJob; pdf: Buffer } | { ready: false; job: PdfJob };

const isFinished = (job: PdfJob) => job.status === 'done' || job.status === 'failed';

/**
 * The one-call PDF (`POST /api/generate-pdf`): starts or finds the PDF like `requestPdf`, rendering a new one in
 * this request on a page it found free here (render-here.ts), otherwise waiting up to `waitMs` for it on whichever
 * replica renders it. A failed job answers like its file would (an error); a job still running after the wait is
 * handed back to be polled.
 */
export async function generatePdf(deps: RenderUseCaseDeps, waiting: JobWaiting, ownerId: string, projectId: string, waitMs: number, requestId?: string): Promise<GeneratedPdf> {
  // A page reserved before the job exists, so that requests never start more renders here than there are pages.
  const { job: started, queued, held } = await requestPdf(deps, ownerId, projectId, requestId, { renderHere: { reservePage: () => deps.renderer.reservePage(), holdMs: deps.holdMs } });
  if (held) {
    const rendered = await renderHere(deps, held.page, started, held.snapshot);
    if (rendered) return { ready: true, ...rendered };
  }
  // A job this request has just queued cannot have finished yet: the wait listens before any message can arrive,
  // so its first look, which is for a job that finished before the wait began, is skipped (one read less).
  let unread = queued;
  const finished = isFinished(started)
    ? started
    : await waiting.waitFor(started.jobId, waitMs, async () => {
        if (unread) return void (unread = false);
        const job = await findOwnedJob(deps, ownerId, started.jobId);
        return isFinished(job) ? job : undefined;
      });
  if (!finished) return { ready: false, job: await findOwnedJob(deps, ownerId, started.jobId) };
  return { ready: true, job: finished, pdf: await readJobPdf(deps, finished) };
}

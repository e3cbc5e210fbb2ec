import Router from '@koa/router';
import { generatePdfBodySchema, pdfJobParamsSchema, projectPdfParamsSchema } from '@playbook/contract';
import { parseOrThrow, userOf } from '@playbook/kit';
import type Koa from 'koa';
import { generatePdf } from '../domain/generate-pdf';
import { findOwnedJob, pdfFileName, readJobPdf, toJobView } from '../domain/job-access';
import type { PdfJob } from '../domain/pdf-job';
import type { RenderUseCaseDeps } from '../domain/pdf-use-case-deps';
import type { JobWaiting } from '../domain/ports';
import { requestPdf } from '../domain/request-pdf';

export interface PdfRoutesDeps {
  useCases: RenderUseCaseDeps;
  waiter: JobWaiting;
  /** Verifies the bearer token and sets `ctx.state.user`. */
  requireUser: Koa.Middleware;
  syncLimitMs: number;
}

function sendPdf(ctx: Koa.Context, job: PdfJob, pdf: Buffer): void {
  ctx.status = 200;
  ctx.type = 'application/pdf';
  ctx.attachment(pdfFileName(job.projectName), { fallback: true });
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('X-Pdf-Job-Id', job.jobId);
  if (job.pages !== undefined) ctx.set('X-Pdf-Pages', String(job.pages));
  ctx.body = pdf;
}

/** The public PDF routes, as declared in contract/src/pdf-routes.ts: parse, call the use case, answer. */
export function pdfRoutes({ useCases, waiter, requireUser, syncLimitMs }: PdfRoutesDeps): Router {
  const router = new Router();

  router.post('/api/projects/:id/pdf', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectPdfParamsSchema, ctx.params, 'path');
    const { job, cached } = await requestPdf(useCases, userOf(ctx).id, id, ctx.state.requestId);
    ctx.status = cached ? 200 : 202;
    if (!cached) ctx.set('Location', `/api/pdf/jobs/${job.jobId}`);
    ctx.body = toJobView(job);
  });

  router.get('/api/pdf/jobs/:jobId', requireUser, async (ctx) => {
    const { jobId } = parseOrThrow(pdfJobParamsSchema, ctx.params, 'path');
    ctx.body = toJobView(await findOwnedJob(useCases, userOf(ctx).id, jobId));
    ctx.set('Cache-Control', 'no-store');
  });

  router.get('/api/pdf/jobs/:jobId/file', requireUser, async (ctx) => {
    const { jobId } = parseOrThrow(pdfJobParamsSchema, ctx.params, 'path');
    const job = await findOwnedJob(useCases, userOf(ctx).id, jobId);
    sendPdf(ctx, job, await readJobPdf(useCases, job));
  });

  router.post('/api/generate-pdf', requireUser, async (ctx) => {
    const { project_id: projectId } = parseOrThrow(generatePdfBodySchema, ctx.request.body);
    const generated = await generatePdf(useCases, waiter, userOf(ctx).id, projectId, syncLimitMs, ctx.state.requestId);
    if (generated.ready) return sendPdf(ctx, generated.job, generated.pdf);
    ctx.status = 202;
    ctx.set('Location', `/api/pdf/jobs/${generated.job.jobId}`);
    ctx.body = toJobView(generated.job);
  });

  return router;
}

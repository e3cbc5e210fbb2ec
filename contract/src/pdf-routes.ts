import { z } from 'zod';
import { pdfJobStatusSchema } from './event-messages';
import type { PublicRoute } from './public-route';

/** The public routes of pdf-service and the schemas it validates with. */

const projectId = z.string().min(1).max(100);
const jobId = z.string().min(1).max(100);

export const projectPdfParamsSchema = z.strictObject({ id: projectId });
export type ProjectPdfParams = z.infer<typeof projectPdfParamsSchema>;

export const pdfJobParamsSchema = z.strictObject({ jobId });
export type PdfJobParams = z.infer<typeof pdfJobParamsSchema>;

/** The old Flask backend's body, kept for compatibility (snake_case on purpose). */
export const generatePdfBodySchema = z.strictObject({ project_id: projectId.meta({ description: 'The project to print' }) });
export type GeneratePdfBody = z.infer<typeof generatePdfBodySchema>;

export const pdfJobSchema = z.object({
  jobId: z.string(),
  projectId: z.string(),
  status: pdfJobStatusSchema,
  error: z.string().optional().meta({ description: 'Why the job failed' }),
  fileUrl: z.string().optional().meta({ description: 'Where to download the PDF once the job is done' }),
  pages: z.number().int().optional(),
  bytes: z.number().int().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PdfJobView = z.infer<typeof pdfJobSchema>;

const pdfFile = { description: 'The playbook PDF (attachment)', contentType: 'application/pdf' };

export const pdfRoutes: PublicRoute[] = [
  {
    method: 'POST',
    path: '/api/projects/:id/pdf',
    service: 'pdf',
    auth: true,
    summary: 'Start rendering the project as a PDF playbook (429 with Retry-After when the render queue is full, or when the caller already has PDF_JOBS_PER_USER renders in progress)',
    request: { params: projectPdfParamsSchema },
    responses: {
      200: { description: 'An identical PDF is already stored: the finished job', schema: pdfJobSchema },
      202: { description: 'The render job, queued or in progress', schema: pdfJobSchema },
    },
    timeout: 'long',
  },
  {
    method: 'GET',
    path: '/api/pdf/jobs/:jobId',
    service: 'pdf',
    auth: true,
    summary: "A PDF job's status (the project owner's jobs only)",
    request: { params: pdfJobParamsSchema },
    responses: { 200: { description: 'The job', schema: pdfJobSchema } },
  },
  {
    method: 'GET',
    path: '/api/pdf/jobs/:jobId/file',
    errors: [409],
    service: 'pdf',
    auth: true,
    summary: "A finished job's PDF (409 while the job is queued or rendering, 503 when it failed)",
    request: { params: pdfJobParamsSchema },
    responses: { 200: pdfFile },
    timeout: 'long',
  },
  {
    method: 'POST',
    path: '/api/generate-pdf',
    errors: [404],
    service: 'pdf',
    auth: true,
    summary: 'Compatibility with the old backend: render and answer the PDF itself (202 with the job after the sync limit; 429 as for POST /api/projects/:id/pdf)',
    request: { body: generatePdfBodySchema },
    responses: {
      200: pdfFile,
      202: { description: 'The PDF took longer than the sync limit: the job to poll', schema: pdfJobSchema },
    },
    timeout: 'long',
  },
];

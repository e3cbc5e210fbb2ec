import { z } from 'zod';
import { playbookCatalogSchema } from './playbook/catalog-types';
import type { PublicRoute } from './public-route';

/*
 * project-service's public routes and the schemas it validates them with.
 * Text is stored as given (it is escaped where it is rendered), but control characters are refused.
 */

/** Control characters (C0, DEL, C1) other than newline and tab: never part of what a person typed. */
const NO_CONTROL_EXCEPT_NEWLINE_TAB = new RegExp(String.raw`^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$`);
/** Single-line text: no control characters at all. */
const NO_CONTROL = new RegExp(String.raw`^[^\u0000-\u001F\u007F-\u009F]*$`);

/** Unpaired UTF-16 surrogates: valid in JSON, but not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormedText = (value: string) => !LONE_SURROGATE.test(value);
const NOT_WELL_FORMED = 'must be valid Unicode text (no unpaired surrogates)';

/** The longest answer any catalog field may allow. */
export const MAX_ANSWER_LENGTH = 20_000;
/** Answers one PUT may carry. */
export const MAX_RESPONSES_PER_PUT = 200;

export const projectNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/\S/, 'must not be blank')
  .regex(NO_CONTROL, 'must not contain control characters')
  .refine(isWellFormedText, NOT_WELL_FORMED)
  .meta({ description: 'Project name, 1–200 characters, one line.' });

export const projectDescriptionSchema = z
  .string()
  .max(2_000)
  .regex(NO_CONTROL_EXCEPT_NEWLINE_TAB, 'must not contain control characters other than newline and tab')
  .refine(isWellFormedText, NOT_WELL_FORMED)
  .meta({ description: 'Free text up to 2,000 characters; line breaks are kept.' });

export const projectIdParamsSchema = z.strictObject({
  id: z.string().meta({ description: 'Project id (24 hex characters); an unknown id or another user’s project is 404.' }),
});

/** A content version as a strong ETag, `"7"`: what GET answers in `ETag` and what `If-Match` sends back. */
export const contentVersionEtag = (version: number) => `"${version}"`;

/**
 * `If-Match` on the changes of a project: one or more ETags from `GET` (`"7"`, or `"6", "7"`), or `*`
 * (the project exists). Parsed to the content versions it accepts; `*` and no header are no condition.
 */
export const ifMatchHeadersSchema = z.object({
  'if-match': z
    .string()
    .regex(/^\s*(\*|"\d{1,15}"(\s*,\s*"\d{1,15}")*)\s*$/, 'must be * or a list of ETags from GET, like "7"')
    .optional()
    .meta({ description: 'Save only if the project is still at this content version (its ETag from GET); a stale one is 412 and nothing is written.' }),
});
export function parseIfMatch(headers: z.infer<typeof ifMatchHeadersSchema>): number[] | undefined {
  const value = headers['if-match']?.trim();
  if (value === undefined || value === '*') return undefined;
  return [...value.matchAll(/"(\d+)"/g)].map((match) => Number(match[1]));
}

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  contentVersion: z.number().int().nonnegative().meta({ description: 'Grows on every change of the name, description or answers.' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ProjectResponse = z.infer<typeof projectSchema>;

export const createProjectBodySchema = z.strictObject({ name: projectNameSchema, description: projectDescriptionSchema.optional() });
export type CreateProjectBody = z.infer<typeof createProjectBodySchema>;

export const updateProjectBodySchema = z
  .strictObject({ name: projectNameSchema.optional(), description: projectDescriptionSchema.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined, { message: 'name or description is required' });
export type UpdateProjectBody = z.infer<typeof updateProjectBodySchema>;

export const listProjectsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size, 1–100 (default 20).' }),
  cursor: z.string().min(1).max(200).optional().meta({ description: 'The `nextCursor` of the previous page; opaque.' }),
});
export type ListProjectsQuery = z.infer<typeof listProjectsQuerySchema>;

export const projectPageSchema = z.object({
  items: z.array(projectSchema).meta({ description: 'Newest first.' }),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
});

export const answerValueSchema = z
  .string()
  .max(MAX_ANSWER_LENGTH)
  .regex(NO_CONTROL_EXCEPT_NEWLINE_TAB, 'must not contain control characters other than newline and tab')
  .refine(isWellFormedText, NOT_WELL_FORMED)
  .meta({
    description:
      'The answer as one string, limited by the field’s maxLength. `list` fields hold one item per line (`\\n`). An empty (or blank) value removes the answer.',
  });

export const responseSchema = z.object({ fieldId: z.string(), value: z.string(), updatedAt: z.iso.datetime() });
export const responsesListSchema = z.object({ items: z.array(responseSchema).meta({ description: 'Every stored answer, in catalog order.' }) });

export const putResponsesBodySchema = z.strictObject({
  responses: z
    .array(z.strictObject({ fieldId: z.string().min(1).max(200).meta({ description: 'A field id of the playbook catalog.' }), value: answerValueSchema }))
    .min(1)
    .max(MAX_RESPONSES_PER_PUT)
    .meta({ description: 'Up to 200 answers, each field at most once; all are saved or none is.' }),
});
export type PutResponsesBody = z.infer<typeof putResponsesBodySchema>;

export const putResponsesResultSchema = z.object({
  project: projectSchema,
  saved: z.number().int().nonnegative().meta({ description: 'Answers created or replaced.' }),
  removed: z.number().int().nonnegative().meta({ description: 'Answers removed by an empty value.' }),
});

const params = projectIdParamsSchema;

export const projectRoutes: PublicRoute[] = [
  {
    method: 'GET',
    path: '/api/playbook',
    service: 'project',
    auth: false,
    summary: 'The playbook catalog: phases → sections → fields, with its version (ETag; 304 on If-None-Match).',
    responses: { 200: { description: 'The catalog', schema: playbookCatalogSchema }, 304: { description: 'Not modified' } },
  },
  {
    method: 'GET',
    path: '/api/projects',
    service: 'project',
    auth: true,
    summary: 'The caller’s projects, newest first, with cursor pagination.',
    request: { query: listProjectsQuerySchema },
    responses: { 200: { description: 'One page of projects', schema: projectPageSchema } },
  },
  {
    method: 'POST',
    path: '/api/projects',
    errors: [409],
    service: 'project',
    auth: true,
    summary: 'Create a project; 409 when the account already keeps the most projects it may (MAX_PROJECTS_PER_USER, default 200).',
    request: { body: createProjectBodySchema },
    responses: { 201: { description: 'The new project', schema: projectSchema } },
  },
  {
    method: 'GET',
    path: '/api/projects/:id',
    service: 'project',
    auth: true,
    summary: 'One of the caller’s projects; its ETag is the content version.',
    request: { params },
    responses: { 200: { description: 'The project', schema: projectSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
  {
    method: 'PATCH',
    path: '/api/projects/:id',
    errors: [409, 412],
    service: 'project',
    auth: true,
    summary: 'Rename a project or change its description; with If-Match only if nobody changed it meanwhile.',
    request: { params, body: updateProjectBodySchema, headers: ifMatchHeadersSchema },
    responses: { 200: { description: 'The updated project', schema: projectSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
  {
    method: 'DELETE',
    path: '/api/projects/:id',
    errors: [409],
    service: 'project',
    auth: true,
    summary: 'Delete a project and all its answers.',
    request: { params },
    responses: { 204: { description: 'Deleted' } },
  },
  {
    method: 'GET',
    path: '/api/projects/:id/responses',
    service: 'project',
    auth: true,
    summary: 'Every answer of a project; its ETag is the project’s content version.',
    request: { params },
    responses: { 200: { description: 'The answers', schema: responsesListSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
  {
    method: 'PUT',
    path: '/api/projects/:id/responses',
    errors: [409, 412],
    service: 'project',
    auth: true,
    summary: 'Save up to 200 answers at once, all or nothing; an empty value removes an answer; with If-Match only if nobody changed the project meanwhile.',
    request: { params, body: putResponsesBodySchema, headers: ifMatchHeadersSchema },
    responses: { 200: { description: 'Saved; the project with its new content version', schema: putResponsesResultSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
];

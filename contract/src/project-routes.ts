import { z } from 'zod';
import { projectRoleSchema } from './event-messages';
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
  id: z.string().meta({ description: 'Project id (24 hex characters); an unknown id or a project the caller is no member of is 404.' }),
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
  role: projectRoleSchema.meta({ description: 'The caller’s role in the project: owner, editor or viewer (docs/teams.md).' }),
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

export const memberParamsSchema = z.strictObject({
  id: projectIdParamsSchema.shape.id,
  userId: z.string().min(1).max(200).meta({ description: 'The member’s user id (`userId` of the members list).' }),
});

export const addMemberBodySchema = z.strictObject({
  email: z.string().min(3).max(320).meta({ description: 'The email of an existing account; 404 when there is none.' }),
  role: projectRoleSchema.exclude(['owner']).meta({ description: 'editor (answers, name, description, PDF) or viewer (read, PDF); hand over ownership with PATCH.' }),
});
export type AddMemberBody = z.infer<typeof addMemberBodySchema>;

export const changeMemberBodySchema = z.strictObject({
  role: projectRoleSchema.meta({ description: 'The new role; `owner` hands the project over, and the old owner becomes an editor.' }),
});
export type ChangeMemberBody = z.infer<typeof changeMemberBodySchema>;

export const memberSchema = z.object({
  userId: z.string(),
  role: projectRoleSchema,
  email: z.string().optional().meta({ description: 'The email the member was added with; absent for an owner who created the project.' }),
  addedAt: z.iso.datetime().optional().meta({ description: 'When the member was added; absent for an owner who created the project.' }),
});
export type MemberResponse = z.infer<typeof memberSchema>;
export const membersListSchema = z.object({ items: z.array(memberSchema).meta({ description: 'The owner first, then the other members in the order they were added.' }) });

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
    summary: 'The projects the caller owns or is a member of, each with the caller’s role, newest first, with cursor pagination.',
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
    summary: 'A project the caller is a member of, with their role; its ETag is the content version.',
    request: { params },
    responses: { 200: { description: 'The project', schema: projectSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
  {
    method: 'PATCH',
    path: '/api/projects/:id',
    errors: [403, 409, 412],
    service: 'project',
    auth: true,
    summary: 'Rename a project or change its description (owner or editor; 403 for a viewer); with If-Match only if nobody changed it meanwhile.',
    request: { params, body: updateProjectBodySchema, headers: ifMatchHeadersSchema },
    responses: { 200: { description: 'The updated project', schema: projectSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
  {
    method: 'DELETE',
    path: '/api/projects/:id',
    errors: [403, 409],
    service: 'project',
    auth: true,
    summary: 'Delete a project and all its answers (owner only; 403 for other members).',
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
    errors: [403, 409, 412],
    service: 'project',
    auth: true,
    summary: 'Save up to 200 answers at once, all or nothing (owner or editor; 403 for a viewer); an empty value removes an answer; with If-Match only if nobody changed the project meanwhile.',
    request: { params, body: putResponsesBodySchema, headers: ifMatchHeadersSchema },
    responses: { 200: { description: 'Saved; the project with its new content version', schema: putResponsesResultSchema, headers: { ETag: { description: 'The content version, for If-Match' } } } },
  },
  {
    method: 'GET',
    path: '/api/projects/:id/members',
    service: 'project',
    auth: true,
    summary: 'Who may see the project and in which role; for every member.',
    request: { params },
    responses: { 200: { description: 'The members', schema: membersListSchema } },
  },
  {
    method: 'POST',
    path: '/api/projects/:id/members',
    errors: [403, 409],
    service: 'project',
    auth: true,
    summary: 'Add the account with this email as editor or viewer; owner only (403 for other members). 404 when no account has the email, 409 when it is a member already.',
    request: { params, body: addMemberBodySchema },
    responses: { 201: { description: 'The new member', schema: memberSchema } },
  },
  {
    method: 'PATCH',
    path: '/api/projects/:id/members/:userId',
    errors: [403, 409],
    service: 'project',
    auth: true,
    summary: 'Change a member’s role; owner only. Role owner hands the project over (the old owner becomes an editor); an owner cannot demote themself otherwise (409).',
    request: { params: memberParamsSchema, body: changeMemberBodySchema },
    responses: { 200: { description: 'The member with the new role', schema: memberSchema } },
  },
  {
    method: 'DELETE',
    path: '/api/projects/:id/members/:userId',
    errors: [403, 409],
    service: 'project',
    auth: true,
    summary: 'Remove a member (owner), or leave the project (any member but the owner, who hands it over first: 409).',
    request: { params: memberParamsSchema },
    responses: { 204: { description: 'Removed' } },
  },
];

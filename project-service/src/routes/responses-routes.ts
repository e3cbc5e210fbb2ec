import Router from '@koa/router';
import {
  contentVersionEtag,
  ifMatchHeadersSchema,
  MAX_RESPONSES_PER_PUT,
  parseIfMatch,
  projectIdParamsSchema,
  putResponsesBodySchema,
  type PlaybookCatalog,
  type PutResponsesBody,
} from '@playbook/contract';
import { parseOrThrow, toFieldProblems, userOf, ValidationError } from '@playbook/kit';
import { findAnswerProblems, readResponses, saveResponses } from '../domain/save-responses';
import { toProjectResponse, type ProjectRoutesDeps } from './project-view';

const answerItemSchema = putResponsesBodySchema.shape.responses.element;

/**
 * Parses a PUT body. When it is malformed, the answer lists every bad item at once: the malformed ones
 * (each problem naming the item's field id) and the well-formed ones the catalog refuses.
 */
function parsePutBody(body: unknown, catalog: PlaybookCatalog): PutResponsesBody {
  const result = putResponsesBodySchema.safeParse(body);
  if (result.success) return result.data;
  const raw = (body as { responses?: unknown } | undefined)?.responses;
  const items: unknown[] = Array.isArray(raw) ? raw : [];
  const fieldIdAt = (index: unknown): string | undefined => {
    const fieldId = typeof index === 'number' ? (items[index] as { fieldId?: unknown } | undefined)?.fieldId : undefined;
    return typeof fieldId === 'string' ? fieldId : undefined;
  };
  const shapeProblems = toFieldProblems(result.error).map((problem, i) => {
    const fieldId = fieldIdAt(result.error.issues[i]?.path[1]);
    return fieldId === undefined ? problem : { path: problem.path, message: `"${fieldId}": ${problem.message}` };
  });
  // An oversized batch is refused as a whole; checking each of its items would only flood the answer.
  const wellFormed = items.length <= MAX_RESPONSES_PER_PUT ? items.map((item) => answerItemSchema.safeParse(item).data) : [];
  const problems = [...shapeProblems, ...findAnswerProblems(wellFormed, catalog)];
  throw new ValidationError(`Invalid request body; nothing was saved: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
}

/** GET and PUT /api/projects/:id/responses, as declared in contract/src/project-routes.ts; for a signed-in user. */
export function responsesRoutes({ deps, requireUser }: ProjectRoutesDeps): Router {
  const router = new Router();

  router.get('/api/projects/:id/responses', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const { project, answers } = await readResponses(deps, userOf(ctx).id, id);
    ctx.set('ETag', contentVersionEtag(project.contentVersion));
    ctx.body = { items: answers.map(({ fieldId, value, updatedAt }) => ({ fieldId, value, updatedAt: updatedAt.toISOString() })) };
  });

  router.put('/api/projects/:id/responses', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const ifMatch = parseIfMatch(parseOrThrow(ifMatchHeadersSchema, ctx.headers, 'headers'));
    const { responses } = parsePutBody(ctx.request.body, deps.catalog);
    const result = await saveResponses(deps, userOf(ctx).id, id, responses, ifMatch);
    ctx.set('ETag', contentVersionEtag(result.project.contentVersion));
    ctx.body = { project: toProjectResponse(result.project, userOf(ctx).id), saved: result.saved, removed: result.removed };
  });

  return router;
}

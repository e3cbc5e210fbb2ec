import Router from '@koa/router';
import { addMemberBodySchema, changeMemberBodySchema, memberParamsSchema, projectIdParamsSchema, type MemberResponse } from '@playbook/contract';
import { parseOrThrow, userOf } from '@playbook/kit';
import { addMember, changeMemberRole, listMembers, removeMember, type MemberView } from '../domain/manage-members';
import type { ProjectRoutesDeps } from './project-view';

const toMemberResponse = ({ userId, role, email, addedAt }: MemberView): MemberResponse => ({
  userId,
  role,
  ...(email === undefined ? {} : { email }),
  ...(addedAt === undefined ? {} : { addedAt: addedAt.toISOString() }),
});

/** /api/projects/:id/members and /api/projects/:id/members/:userId, as declared in contract/src/project-routes.ts (docs/teams.md). */
export function membersRoutes({ deps, requireUser }: ProjectRoutesDeps): Router {
  const router = new Router();

  router.get('/api/projects/:id/members', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    ctx.body = { items: (await listMembers(deps, userOf(ctx).id, id)).map(toMemberResponse) };
  });

  router.post('/api/projects/:id/members', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const body = parseOrThrow(addMemberBodySchema, ctx.request.body);
    const member = await addMember(deps, userOf(ctx).id, id, body);
    ctx.status = 201;
    ctx.set('Location', `/api/projects/${id}/members/${encodeURIComponent(member.userId)}`);
    ctx.body = toMemberResponse(member);
  });

  router.patch('/api/projects/:id/members/:userId', requireUser, async (ctx) => {
    const { id, userId } = parseOrThrow(memberParamsSchema, ctx.params, 'path');
    const { role } = parseOrThrow(changeMemberBodySchema, ctx.request.body);
    ctx.body = toMemberResponse(await changeMemberRole(deps, userOf(ctx).id, id, userId, role));
  });

  router.delete('/api/projects/:id/members/:userId', requireUser, async (ctx) => {
    const { id, userId } = parseOrThrow(memberParamsSchema, ctx.params, 'path');
    await removeMember(deps, userOf(ctx).id, id, userId);
    ctx.status = 204;
  });

  return router;
}

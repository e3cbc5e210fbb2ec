import { NotFoundError } from '@playbook/kit';
import type { Project } from './ports';
import type { ProjectDeps } from './project-deps';
import { withOwnerLock, withProjectLock } from './project-lock';
import { memberIdsOf, planAddMember, planRemoval, planRoleChange, roleOf, type MemberRole, type MembershipChange, type ProjectRole } from './project-roles';
import { readProject } from './project-state';

/*
 * The members of a project (docs/teams.md): the rules are project-roles.ts; here they are read and written
 * under the project's lock (FerretDB applies no conditional update atomically between clients, so two changes
 * of one project's members at once could lose one). A member's list of projects gains the project before the
 * project names the member, and loses it after, each under that user's lock: a crash in between leaves an entry
 * the list skips, never a membership the list cannot show.
 */

/** A member as the routes show it. */
export interface MemberView {
  userId: string;
  role: ProjectRole;
  email?: string;
  addedAt?: Date;
}

/** Every member of the project, the owner first; for any member. */
export async function listMembers(deps: ProjectDeps, userId: string, projectId: string): Promise<MemberView[]> {
  return membersOf(await readProject(deps, userId, projectId, 'read'));
}

function membersOf(project: Pick<Project, 'ownerId' | 'members'>): MemberView[] {
  const others = project.members.map(({ userId, role, email, addedAt }) => ({ userId, role, addedAt, ...(email === undefined ? {} : { email }) }));
  return [{ userId: project.ownerId, role: 'owner' }, ...others];
}

/** Normalized as auth-service stores emails (trimmed, lower-cased). */
const normalizeEmail = (email: string) => email.trim().toLowerCase();

const noAccount = () =>
  new NotFoundError('No account has this email; the person has to register before they can be added');

/**
 * The owner adds the account with `email` as editor or viewer. The caller's role is checked before the email is
 * looked up, so nobody but a project's owner learns whether an email has an account here (docs/teams.md).
 * 404 when no account has the email, 409 when it is a member already.
 */
export async function addMember(deps: ProjectDeps, actorId: string, projectId: string, input: { email: string; role: MemberRole }): Promise<MemberView> {
  await readProject(deps, actorId, projectId, 'manageMembers');
  const email = normalizeEmail(input.email);
  const userId = await deps.users.findUserIdByEmail(email);
  if (userId === undefined) throw noAccount();
  const change = await withProjectLock(deps, actorId, projectId, 'manageMembers', async (project) => {
    const planned = planAddMember(project, actorId, { userId, role: input.role, email, addedAt: deps.now() });
    await withOwnerLock(deps, userId, async () => {
      // An account deleted since the lookup: as if it had never existed.
      if ((await deps.projects.ownerState(userId)).deleted) throw noAccount();
      await deps.projects.listProject(userId, { id: project.id, createdAt: project.createdAt, shared: true });
    });
    await deps.projects.setMembership(project.id, planned.membership);
    return planned;
  });
  await announce(deps, projectId, change);
  return membersOf(change.membership).find((member) => member.userId === userId)!;
}

/**
 * The owner gives a member another role; `owner` hands the project over (the old owner becomes an editor).
 * The lists' `shared` marks follow, so the project counts against its new owner's limit, not the old one's.
 */
export async function changeMemberRole(deps: ProjectDeps, actorId: string, projectId: string, targetId: string, role: ProjectRole): Promise<MemberView> {
  const { change, project } = await withProjectLock(deps, actorId, projectId, 'manageMembers', async (current) => {
    const planned = planRoleChange(current, actorId, targetId, role, deps.now());
    if (planned.changed.length === 0) return { change: planned, project: current };
    await deps.projects.setMembership(current.id, planned.membership);
    if (planned.membership.ownerId !== current.ownerId) {
      const entry = { id: current.id, createdAt: current.createdAt };
      await withOwnerLock(deps, planned.membership.ownerId, () => deps.projects.listProject(planned.membership.ownerId, { ...entry, shared: false }));
      await withOwnerLock(deps, current.ownerId, () => deps.projects.listProject(current.ownerId, { ...entry, shared: true }));
    }
    return { change: planned, project: current };
  });
  await announce(deps, project.id, change);
  return membersOf(change.membership).find((member) => member.userId === targetId)!;
}

/** The owner removes a member, or a member other than the owner leaves. */
export async function removeMember(deps: ProjectDeps, actorId: string, projectId: string, targetId: string): Promise<void> {
  const change = await withProjectLock(deps, actorId, projectId, 'read', (project) => applyRemoval(deps, project, actorId, targetId));
  await announce(deps, projectId, change);
}

async function applyRemoval(deps: ProjectDeps, project: Project, actorId: string, targetId: string): Promise<MembershipChange> {
  const planned = planRemoval(project, actorId, targetId);
  await deps.projects.setMembership(project.id, planned.membership);
  await withOwnerLock(deps, targetId, () => deps.projects.unlistProject(targetId, project.id));
  return planned;
}

/**
 * A deleted account leaves every project it was a member of but did not own (those it owned are deleted with
 * it, see delete-user-data.ts): found by `_id` through the user's own list. Idempotent. Returns how many it left.
 */
export async function leaveSharedProjects(deps: ProjectDeps, userId: string): Promise<number> {
  let left = 0;
  for (const projectId of await deps.projects.listedIds(userId)) {
    const project = await deps.projects.find(projectId);
    const role = project && roleOf(project, userId);
    if (!project || role === undefined || role === 'owner') continue;
    const change = await withProjectLock(deps, userId, projectId, 'read', (current) => applyRemoval(deps, current, userId, userId)).catch((error: unknown) => {
      // Removed meanwhile by the owner, or the project deleted: nothing left to leave.
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (!change) continue;
    await announce(deps, projectId, change);
    left++;
  }
  return left;
}

/** One `project.v1.membership.changed` per member whose role changed. */
async function announce(deps: ProjectDeps, projectId: string, { membership, changed }: MembershipChange): Promise<void> {
  const memberIds = memberIdsOf(membership);
  for (const { userId, role } of changed) await deps.events.membershipChanged({ projectId, userId, role, memberIds, ownerId: membership.ownerId });
}

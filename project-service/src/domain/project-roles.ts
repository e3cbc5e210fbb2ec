import { ConflictError, ForbiddenError, NotFoundError } from '@playbook/kit';
import { projectNotFound } from './project-errors';

/*
 * Who may do what with a project (docs/teams.md). A project has one owner and any number of other members,
 * each an editor or a viewer. Anyone who is not a member gets the same 404 as for a project that does not
 * exist, never 403: a 403 would tell them the project exists. A member whose role does not allow an action gets
 * 403. Plain rules over plain data: the use cases read the project, ask here, and write what comes back.
 */

export type ProjectRole = 'owner' | 'editor' | 'viewer';
export type MemberRole = Exclude<ProjectRole, 'owner'>;

/** A member other than the owner, as stored with the project. */
export interface ProjectMember {
  userId: string;
  role: MemberRole;
  /** The email the member was added with (auth-service owns emails; this is what the owner typed). */
  email?: string;
  addedAt: Date;
}

/** Who may see a project: its owner and the other members. A project stored before members existed has none. */
export interface Membership {
  ownerId: string;
  members: ProjectMember[];
}

export type ProjectAction =
  /** The project, its answers, its members; the list. */
  | 'read'
  /** The name, the description, the answers. */
  | 'edit'
  /** A PDF: the snapshot and version requests of pdf-service. */
  | 'renderPdf'
  | 'delete'
  /** Add members, change roles, remove others. */
  | 'manageMembers';

const ALLOWED: Record<ProjectAction, readonly ProjectRole[]> = {
  read: ['owner', 'editor', 'viewer'],
  edit: ['owner', 'editor'],
  renderPdf: ['owner', 'editor', 'viewer'],
  delete: ['owner'],
  manageMembers: ['owner'],
};

export type AccessDecision = 'allowed' | 'forbidden' | 'not-found';

/** The user's role in the project, undefined when they are not a member. */
export function roleOf(membership: Membership, userId: string): ProjectRole | undefined {
  if (membership.ownerId === userId) return 'owner';
  return membership.members.find((member) => member.userId === userId)?.role;
}

/** Every user who may see the project, the owner first. */
export const memberIdsOf = (membership: Membership): string[] => [membership.ownerId, ...membership.members.map((member) => member.userId)];

/** What a user in `role` (undefined: not a member) gets for `action`. */
export function decideAccess(action: ProjectAction, role: ProjectRole | undefined): AccessDecision {
  if (role === undefined) return 'not-found';
  return ALLOWED[action].includes(role) ? 'allowed' : 'forbidden';
}

/** Throws the 404 or 403 `decideAccess` decides; returns the user's role when the action is allowed. */
export function requireAccess(membership: Membership, userId: string, action: ProjectAction): ProjectRole {
  const role = roleOf(membership, userId);
  const decision = decideAccess(action, role);
  if (decision === 'not-found') throw projectNotFound();
  if (decision === 'forbidden') throw new ForbiddenError(`As ${article(role!)} ${role} of this project you may not ${ACTION_WORDS[action]}`);
  return role!;
}

const ACTION_WORDS: Record<ProjectAction, string> = {
  read: 'read it',
  edit: 'change it',
  renderPdf: 'print it',
  delete: 'delete it',
  manageMembers: 'add, change or remove its members',
};
const article = (role: ProjectRole) => (role === 'owner' ? 'the' : 'an');

/** Members one project may have besides its owner: the project document holds them all. */
export const MAX_MEMBERS_PER_PROJECT = 100;

/** What a change of members did, for the events: each user whose role changed, with the new role (null: removed). */
export interface MembershipChange {
  membership: Membership;
  changed: Array<{ userId: string; role: ProjectRole | null }>;
}

const memberNotFound = () => new NotFoundError('This user is not a member of the project');

/** The owner adds `member` (never as owner: ownership is handed over with a role change); 409 when already a member. */
export function planAddMember(membership: Membership, actorId: string, member: ProjectMember): MembershipChange {
  requireAccess(membership, actorId, 'manageMembers');
  if (roleOf(membership, member.userId) !== undefined) throw new ConflictError('This account is a member of the project already; change its role instead');
  if (membership.members.length >= MAX_MEMBERS_PER_PROJECT) throw new ConflictError(`This project has ${membership.members.length} members besides its owner, the most it may`);
  return { membership: { ...membership, members: [...membership.members, member] }, changed: [{ userId: member.userId, role: member.role }] };
}

/**
 * The owner gives a member another role. Role `owner` hands the project over: the member becomes its owner and
 * the old owner an editor, so there is always exactly one owner. The owner cannot take another role without
 * handing over (409); the same role again changes nothing.
 */
export function planRoleChange(membership: Membership, actorId: string, targetId: string, role: ProjectRole, now: Date): MembershipChange {
  requireAccess(membership, actorId, 'manageMembers');
  const current = roleOf(membership, targetId);
  if (current === undefined) throw memberNotFound();
  if (current === role) return { membership, changed: [] };
  if (current === 'owner') throw new ConflictError('The owner keeps the owner role until handing the project over: give another member the role owner');
  const target = membership.members.find((member) => member.userId === targetId)!;
  if (role !== 'owner') {
    return { membership: { ...membership, members: membership.members.map((member) => (member === target ? { ...member, role } : member)) }, changed: [{ userId: targetId, role }] };
  }
  const oldOwner: ProjectMember = { userId: membership.ownerId, role: 'editor', addedAt: now };
  return {
    membership: { ownerId: targetId, members: [...membership.members.filter((member) => member !== target), oldOwner] },
    changed: [
      { userId: targetId, role: 'owner' },
      { userId: membership.ownerId, role: 'editor' },
    ],
  };
}

/**
 * Removes a member: the owner removes anyone else; any other member may remove themself (leave). The owner
 * cannot leave without handing the project over first (409): a project always has an owner.
 */
export function planRemoval(membership: Membership, actorId: string, targetId: string): MembershipChange {
  if (actorId === targetId) {
    const role = roleOf(membership, actorId);
    if (role === undefined) throw projectNotFound();
    if (role === 'owner') throw new ConflictError('The owner cannot leave the project: hand it over to another member first (give them the role owner), or delete it');
  } else {
    requireAccess(membership, actorId, 'manageMembers');
    if (roleOf(membership, targetId) === undefined) throw memberNotFound();
  }
  return { membership: { ...membership, members: membership.members.filter((member) => member.userId !== targetId) }, changed: [{ userId: targetId, role: null }] };
}

import {
  decideAccess,
  memberIdsOf,
  planAddMember,
  planRemoval,
  planRoleChange,
  requireAccess,
  roleOf,
  type AccessDecision,
  type Membership,
  type ProjectAction,
  type ProjectRole,
} from '../../src/domain/project-roles';

const NOW = new Date('2026-12-01T10:00:00Z');
const team = (): Membership => ({
  ownerId: 'olga',
  members: [
    { userId: 'ed', role: 'editor', email: 'ed@example.com', addedAt: NOW },
    { userId: 'vic', role: 'viewer', email: 'vic@example.com', addedAt: NOW },
  ],
});
const userIn: Record<ProjectRole | 'non-member', string> = { owner: 'olga', editor: 'ed', viewer: 'vic', 'non-member': 'nora' };

describe('project roles (domain)', () => {
  // action × role → what the user gets; a non-member always gets 404, never 403 (no existence leak).
  const table: Array<[ProjectAction, AccessDecision, AccessDecision, AccessDecision]> = [
    //               owner      editor       viewer
    ['read', 'allowed', 'allowed', 'allowed'],
    ['edit', 'allowed', 'allowed', 'forbidden'],
    ['renderPdf', 'allowed', 'allowed', 'allowed'],
    ['delete', 'allowed', 'forbidden', 'forbidden'],
    ['manageMembers', 'allowed', 'forbidden', 'forbidden'],
  ];
  it.each(table)('%s: owner %s, editor %s, viewer %s, non-member not-found', (action, owner, editor, viewer) => {
    expect(decideAccess(action, 'owner')).toBe(owner);
    expect(decideAccess(action, 'editor')).toBe(editor);
    expect(decideAccess(action, 'viewer')).toBe(viewer);
    expect(decideAccess(action, undefined)).toBe('not-found');
  });

  it('turns the decisions into 403 and 404 for the users of one project', () => {
    const status = (action: ProjectAction, who: keyof typeof userIn) => {
      try {
        requireAccess(team(), userIn[who], action);
        return 200;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    expect(status('edit', 'viewer')).toBe(403);
    expect(status('delete', 'editor')).toBe(403);
    expect(status('read', 'non-member')).toBe(404);
    expect(status('manageMembers', 'non-member')).toBe(404);
    expect(status('manageMembers', 'owner')).toBe(200);
  });

  it('reads a project stored before members existed as owner only', () => {
    const legacy: Membership = { ownerId: 'olga', members: [] };
    expect([roleOf(legacy, 'olga'), roleOf(legacy, 'ed')]).toEqual(['owner', undefined]);
    expect(memberIdsOf(team())).toEqual(['olga', 'ed', 'vic']);
  });

  // Member changes: actor × change → HTTP status of the outcome.
  type Change = (membership: Membership, actorId: string) => unknown;
  const add: Change = (membership, actorId) => planAddMember(membership, actorId, { userId: 'newbie', role: 'viewer', addedAt: NOW });
  const addExisting: Change = (membership, actorId) => planAddMember(membership, actorId, { userId: 'vic', role: 'editor', addedAt: NOW });
  const promote: Change = (membership, actorId) => planRoleChange(membership, actorId, 'vic', 'editor', NOW);
  const handOver: Change = (membership, actorId) => planRoleChange(membership, actorId, 'ed', 'owner', NOW);
  const demoteOwner: Change = (membership, actorId) => planRoleChange(membership, actorId, 'olga', 'editor', NOW);
  const removeViewer: Change = (membership, actorId) => planRemoval(membership, actorId, 'vic');
  const leave: Change = (membership, actorId) => planRemoval(membership, actorId, actorId);
  const changes: Array<[string, number, number, number, number, Change]> = [
    //                         owner editor viewer non-member
    ['add a member', 200, 403, 403, 404, add],
    ['add a member again', 409, 403, 403, 404, addExisting],
    ['change a role', 200, 403, 403, 404, promote],
    ['hand over', 200, 403, 403, 404, handOver],
    ['demote the owner', 409, 403, 403, 404, demoteOwner],
    ['remove the viewer (by the viewer: leaving)', 200, 403, 200, 404, removeViewer],
    ['leave', 409, 200, 200, 404, leave],
  ];
  it.each(changes)('%s: owner %d, editor %d, viewer %d, non-member %d', (_name, owner, editor, viewer, nonMember, change) => {
    const expected = [owner, editor, viewer, nonMember];
    const outcome = (['owner', 'editor', 'viewer', 'non-member'] as const).map((who) => {
      try {
        change(team(), userIn[who]);
        return 200;
      } catch (error) {
        return (error as { status: number }).status;
      }
    });
    expect(outcome).toEqual(expected);
  });

  it('hands over: the member becomes the one owner and the old owner an editor', () => {
    const { membership, changed } = planRoleChange(team(), 'olga', 'ed', 'owner', NOW);
    expect(membership.ownerId).toBe('ed');
    expect(membership.members.map(({ userId, role }) => [userId, role])).toEqual([
      ['vic', 'viewer'],
      ['olga', 'editor'],
    ]);
    expect(changed).toEqual([
      { userId: 'ed', role: 'owner' },
      { userId: 'olga', role: 'editor' },
    ]);
    expect(memberIdsOf(membership).filter((userId) => roleOf(membership, userId) === 'owner')).toEqual(['ed']);
  });

  it('changes nothing when the role is the one the member has', () => {
    expect(planRoleChange(team(), 'olga', 'vic', 'viewer', NOW).changed).toEqual([]);
    expect(planRoleChange(team(), 'olga', 'olga', 'owner', NOW).changed).toEqual([]);
  });

  it('answers 404 for a change of someone who is no member', () => {
    expect(() => planRoleChange(team(), 'olga', 'nora', 'editor', NOW)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => planRemoval(team(), 'olga', 'nora')).toThrow(expect.objectContaining({ status: 404 }));
  });
});

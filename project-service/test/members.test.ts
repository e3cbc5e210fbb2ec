import {
  contentVersionEtag,
  PROJECT_MEMBERSHIP_CHANGED_SUBJECT,
  projectSnapshotSchema,
  projectVersionSchema,
  USER_DELETED_SUBJECT,
  type MemberResponse,
  type ProjectResponse,
} from '@playbook/contract';
import { natsRequest, publishEvent } from '@playbook/kit/nats';
import type { Subscription } from 'nats';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';

const GOAL = 'empathize.research_plan.goal';
const MAX_OWN_PROJECTS = 3;

type Role = 'owner' | 'editor' | 'viewer' | 'non-member';
const ROLES: Role[] = ['owner', 'editor', 'viewer', 'non-member'];

describe('project members and roles over HTTP and NATS', () => {
  let service: TestProjectService;
  const events: Array<{ subject: string; data: Record<string, unknown> }> = [];
  let subscription: Subscription;
  let teams = 0;

  beforeAll(async () => {
    service = await startTestProjectService({ env: { MAX_PROJECTS_PER_USER: String(MAX_OWN_PROJECTS) } });
    subscription = service.nats.connection.subscribe('project.v1.>', {
      callback: (_error, message) => events.push({ subject: message.subject, data: message.json() }),
    });
  });
  afterAll(async () => {
    subscription?.unsubscribe();
    await service?.stop();
  });

  const email = (userId: string) => `${userId}@example.com`;
  const addMember = (projectId: string, ownerId: string, userId: string, role: 'editor' | 'viewer') =>
    service.as(ownerId).post(`/api/projects/${projectId}/members`, { email: email(userId), role });

  /** A project of its own owner with an editor, a viewer, a spare viewer (for changes of someone else) and a stranger. */
  async function team() {
    const n = ++teams;
    const users: Record<Role | 'spare', string> = { owner: `olga${n}`, editor: `ed${n}`, viewer: `vic${n}`, spare: `sam${n}`, 'non-member': `nora${n}` };
    const created = await service.as(users.owner).post('/api/projects', { name: `Team ${n}` });
    expect(created.status).toBe(201);
    const project = (await created.json()) as ProjectResponse;
    for (const [userId, role] of [[users.editor, 'editor'], [users.viewer, 'viewer'], [users.spare, 'viewer']] as const) {
      expect((await addMember(project.id, users.owner, userId, role)).status).toBe(201);
    }
    return { project, users, path: `/api/projects/${project.id}` };
  }

  const snapshot = (projectId: string, userId: string) =>
    natsRequest(service.nats, { subject: 'project.v1.snapshot.get', payload: { projectId, userId }, responseSchema: projectSnapshotSchema, timeoutMs: 3000 });
  const version = (projectId: string, userId: string) =>
    natsRequest(service.nats, { subject: 'project.v1.version.get', payload: { projectId, userId }, responseSchema: projectVersionSchema, timeoutMs: 3000 });
  const membersOf = async (path: string, userId: string) => ((await (await service.as(userId).get(`${path}/members`)).json()) as { items: MemberResponse[] }).items;
  const listOf = async (userId: string) => ((await (await service.as(userId).get('/api/projects?limit=100')).json()) as { items: ProjectResponse[] }).items;
  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    return predicate();
  };

  /** What the owner sees of the project: unchanged by a refused request. */
  const ownerView = async (path: string, ownerId: string) => ({
    project: await (await service.as(ownerId).get(path)).json(),
    answers: await (await service.as(ownerId).get(`${path}/responses`)).json(),
    members: await membersOf(path, ownerId),
  });

  // Every project route × every role: the status, and for a refused change, nothing changed.
  const routes: Array<{ name: string; expected: Record<Role, number>; send: (t: Awaited<ReturnType<typeof team>>, userId: string) => Promise<Response> }> = [
    { name: 'GET /api/projects/:id', expected: { owner: 200, editor: 200, viewer: 200, 'non-member': 404 }, send: (t, u) => service.as(u).get(t.path) },
    { name: 'PATCH /api/projects/:id', expected: { owner: 200, editor: 200, viewer: 403, 'non-member': 404 }, send: (t, u) => service.as(u).patch(t.path, { name: 'Renamed' }) },
    { name: 'DELETE /api/projects/:id', expected: { owner: 204, editor: 403, viewer: 403, 'non-member': 404 }, send: (t, u) => service.as(u).delete(t.path) },
    { name: 'GET /api/projects/:id/responses', expected: { owner: 200, editor: 200, viewer: 200, 'non-member': 404 }, send: (t, u) => service.as(u).get(`${t.path}/responses`) },
    {
      name: 'PUT /api/projects/:id/responses',
      expected: { owner: 200, editor: 200, viewer: 403, 'non-member': 404 },
      send: (t, u) => service.as(u).put(`${t.path}/responses`, { responses: [{ fieldId: GOAL, value: `written by ${u}` }] }),
    },
    { name: 'GET /api/projects/:id/members', expected: { owner: 200, editor: 200, viewer: 200, 'non-member': 404 }, send: (t, u) => service.as(u).get(`${t.path}/members`) },
    {
      name: 'POST /api/projects/:id/members',
      expected: { owner: 201, editor: 403, viewer: 403, 'non-member': 404 },
      send: (t, u) => service.as(u).post(`${t.path}/members`, { email: email(`new-${t.users.owner}`), role: 'viewer' }),
    },
    {
      name: 'PATCH /api/projects/:id/members/:userId',
      expected: { owner: 200, editor: 403, viewer: 403, 'non-member': 404 },
      send: (t, u) => service.as(u).patch(`${t.path}/members/${t.users.spare}`, { role: 'editor' }),
    },
    {
      name: 'DELETE /api/projects/:id/members/:userId (another member)',
      expected: { owner: 204, editor: 403, viewer: 403, 'non-member': 404 },
      send: (t, u) => service.as(u).delete(`${t.path}/members/${t.users.spare}`),
    },
  ];
  describe.each(routes)('$name', ({ expected, send }) => {
    it.each(ROLES)('as %s', async (role) => {
      const t = await team();
      const before = await ownerView(t.path, t.users.owner);
      const response = await send(t, t.users[role]);
      expect(response.status).toBe(expected[role]);
      if (response.status >= 400) {
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(await ownerView(t.path, t.users.owner)).toEqual(before);
      }
    });
  });

  it('lists the projects a user is a member of, each with the caller’s role, and never to others', async () => {
    const t = await team();
    for (const role of ['owner', 'editor', 'viewer'] as const) {
      const item = (await listOf(t.users[role])).find((project) => project.id === t.project.id);
      expect(item).toMatchObject({ id: t.project.id, name: t.project.name, role });
      const read = (await (await service.as(t.users[role]).get(t.path)).json()) as ProjectResponse;
      expect(read.role).toBe(role);
    }
    expect(await listOf(t.users['non-member'])).toEqual([]);
  });

  it('adds members by the email of an account: 404 for an unknown one, 409 for a member, 400 for role owner', async () => {
    const t = await team();
    const added = await addMember(t.project.id, t.users.owner, `dora${teams}`, 'editor');
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ userId: `dora${teams}`, role: 'editor', email: email(`dora${teams}`) });
    expect(added.headers.get('location')).toBe(`${t.path}/members/dora${teams}`);

    const unknown = await service.as(t.users.owner).post(`${t.path}/members`, { email: 'unregistered-person@example.com', role: 'viewer' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/no account has this email/i);
    expect((await service.as(t.users.owner).post(`${t.path}/members`, { email: ` ${email(t.users.viewer).toUpperCase()} `, role: 'editor' })).status).toBe(409);
    expect((await service.as(t.users.owner).post(`${t.path}/members`, { email: email(t.users.owner), role: 'editor' })).status).toBe(409);
    expect((await service.as(t.users.owner).post(`${t.path}/members`, { email: email('someone'), role: 'owner' })).status).toBe(400);
    // Only the owner learns whether an email has an account here: an editor's 403 comes before the lookup.
    expect((await service.as(t.users.editor).post(`${t.path}/members`, { email: 'unregistered-other@example.com', role: 'viewer' })).status).toBe(403);

    expect((await membersOf(t.path, t.users.viewer)).map(({ userId, role }) => [userId, role])).toEqual([
      [t.users.owner, 'owner'],
      [t.users.editor, 'editor'],
      [t.users.viewer, 'viewer'],
      [t.users.spare, 'viewer'],
      [`dora${teams}`, 'editor'],
    ]);
  });

  it('lets a member leave, but not the owner, and a viewer’s write is 403', async () => {
    const t = await team();
    const put = await service.as(t.users.viewer).put(`${t.path}/responses`, { responses: [{ fieldId: GOAL, value: 'mine' }] });
    expect(put.status).toBe(403);
    expect(((await put.json()) as { detail: string }).detail).toMatch(/viewer/);

    expect((await service.as(t.users.viewer).delete(`${t.path}/members/${t.users.viewer}`)).status).toBe(204);
    expect((await service.as(t.users.viewer).get(t.path)).status).toBe(404);
    expect((await listOf(t.users.viewer)).map((project) => project.id)).not.toContain(t.project.id);

    const owner = await service.as(t.users.owner).delete(`${t.path}/members/${t.users.owner}`);
    expect(owner.status).toBe(409);
    expect(((await owner.json()) as { detail: string }).detail).toMatch(/hand it over/);
    expect((await service.as(t.users.owner).patch(`${t.path}/members/${t.users.owner}`, { role: 'editor' })).status).toBe(409);
    expect((await service.as(t.users.owner).get(t.path)).status).toBe(200);
  });

  it('hands the project over: exactly one owner, the old owner an editor, the limits follow', async () => {
    const t = await team();
    const handed = await service.as(t.users.owner).patch(`${t.path}/members/${t.users.editor}`, { role: 'owner' });
    expect(handed.status).toBe(200);
    expect(await handed.json()).toMatchObject({ userId: t.users.editor, role: 'owner' });

    const members = await membersOf(t.path, t.users.editor);
    expect(members.filter((member) => member.role === 'owner').map((member) => member.userId)).toEqual([t.users.editor]);
    expect(members.find((member) => member.userId === t.users.owner)?.role).toBe('editor');
    expect((await service.as(t.users.owner).delete(t.path)).status).toBe(403);
    expect((await service.as(t.users.owner).patch(t.path, { name: 'Still editing' })).status).toBe(200);
    expect((await listOf(t.users.owner)).find((project) => project.id === t.project.id)?.role).toBe('editor');

    // The project now counts against the new owner's limit, and no longer against the old owner's.
    for (let i = 1; i < MAX_OWN_PROJECTS; i++) expect((await service.as(t.users.editor).post('/api/projects', { name: `own ${i}` })).status).toBe(201);
    expect((await service.as(t.users.editor).post('/api/projects', { name: 'one too many' })).status).toBe(409);
    for (let i = 0; i < MAX_OWN_PROJECTS; i++) expect((await service.as(t.users.owner).post('/api/projects', { name: `after ${i}` })).status).toBe(201);

    expect((await service.as(t.users.editor).delete(t.path)).status).toBe(204);
    for (const userId of [t.users.owner, t.users.editor, t.users.viewer]) expect((await listOf(userId)).map((project) => project.id)).not.toContain(t.project.id);
  });

  it('loses no member when several are added, and one leaves, at the same time (the project lock)', async () => {
    const t = await team();
    const newcomers = Array.from({ length: 6 }, (_, i) => `crowd${teams}-${i}`);
    const [leaving, ...added] = await Promise.all([
      service.as(t.users.viewer).delete(`${t.path}/members/${t.users.viewer}`),
      ...newcomers.map((userId) => addMember(t.project.id, t.users.owner, userId, 'viewer')),
    ]);
    expect(leaving.status).toBe(204);
    expect(added.map((response) => response.status)).toEqual(newcomers.map(() => 201));
    const members = (await membersOf(t.path, t.users.owner)).map((member) => member.userId);
    expect(members.sort()).toEqual([t.users.owner, t.users.editor, t.users.spare, ...newcomers].sort());
    for (const userId of newcomers) expect((await listOf(userId)).map((project) => project.id)).toEqual([t.project.id]);
  });

  it('keeps If-Match and the ETag for members: an editor’s stale save is 412', async () => {
    const t = await team();
    const read = await service.as(t.users.editor).get(`${t.path}/responses`);
    const etag = read.headers.get('etag')!;
    expect((await service.as(t.users.owner).put(`${t.path}/responses`, { responses: [{ fieldId: GOAL, value: 'first' }] })).status).toBe(200);
    const stale = await service.as(t.users.editor).request('PUT', `${t.path}/responses`, { responses: [{ fieldId: GOAL, value: 'second' }] }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(contentVersionEtag(1));
    // A change of members is no change of content: the ETag stays.
    await addMember(t.project.id, t.users.owner, `late${teams}`, 'viewer');
    expect((await service.as(t.users.viewer).get(t.path)).headers.get('etag')).toBe(contentVersionEtag(1));
  });

  it('answers the snapshot and version requests for every member, 404 for anyone else', async () => {
    const t = await team();
    for (const role of ['owner', 'editor', 'viewer'] as const) {
      expect((await snapshot(t.project.id, t.users[role])).project).toMatchObject({ id: t.project.id, ownerId: t.users.owner });
      expect(await version(t.project.id, t.users[role])).toMatchObject({ contentVersion: 0 });
    }
    await expect(snapshot(t.project.id, t.users['non-member'])).rejects.toMatchObject({ status: 404 });
    await expect(version(t.project.id, t.users['non-member'])).rejects.toMatchObject({ status: 404 });
    await service.as(t.users.owner).delete(`${t.path}/members/${t.users.viewer}`);
    await expect(snapshot(t.project.id, t.users.viewer)).rejects.toMatchObject({ status: 404 });
  });

  it('publishes membership.changed on every add, change and removal, and memberIds on project events', async () => {
    const t = await team();
    const changed = () => events.filter((event) => event.subject === PROJECT_MEMBERSHIP_CHANGED_SUBJECT && event.data.projectId === t.project.id).map((event) => event.data);
    expect(await waitFor(() => changed().length === 3)).toBe(true);
    expect(changed()[0]).toEqual({ projectId: t.project.id, userId: t.users.editor, role: 'editor', memberIds: [t.users.owner, t.users.editor], ownerId: t.users.owner });

    await service.as(t.users.owner).patch(`${t.path}/members/${t.users.viewer}`, { role: 'editor' });
    await service.as(t.users.spare).delete(`${t.path}/members/${t.users.spare}`);
    await service.as(t.users.owner).patch(`${t.path}/members/${t.users.editor}`, { role: 'owner' });
    expect(await waitFor(() => changed().length === 7)).toBe(true);
    expect(changed().slice(3)).toEqual([
      { projectId: t.project.id, userId: t.users.viewer, role: 'editor', memberIds: [t.users.owner, t.users.editor, t.users.viewer, t.users.spare], ownerId: t.users.owner },
      { projectId: t.project.id, userId: t.users.spare, role: null, memberIds: [t.users.owner, t.users.editor, t.users.viewer], ownerId: t.users.owner },
      { projectId: t.project.id, userId: t.users.editor, role: 'owner', memberIds: [t.users.editor, t.users.viewer, t.users.owner], ownerId: t.users.editor },
      { projectId: t.project.id, userId: t.users.owner, role: 'editor', memberIds: [t.users.editor, t.users.viewer, t.users.owner], ownerId: t.users.editor },
    ]);

    await service.as(t.users.viewer).patch(t.path, { name: 'Seen by all' });
    await service.as(t.users.editor).delete(t.path);
    const projectEvent = (subject: string) => events.find((event) => event.subject === subject && event.data.projectId === t.project.id)?.data;
    expect(await waitFor(() => projectEvent('project.v1.project.deleted') !== undefined)).toBe(true);
    expect(projectEvent('project.v1.project.updated')?.memberIds).toEqual([t.users.editor, t.users.viewer, t.users.owner]);
    expect(projectEvent('project.v1.project.deleted')).toEqual({ projectId: t.project.id, ownerId: t.users.editor, memberIds: [t.users.editor, t.users.viewer, t.users.owner] });
  });

  it('removes a deleted account’s memberships, and its own projects from its members’ lists', async () => {
    const shared = await team();
    const owned = await team();
    // owned's editor is also an editor of shared, and is deleted; shared's owner is a viewer of owned.
    const leaving = owned.users.owner;
    expect((await addMember(shared.project.id, shared.users.owner, leaving, 'editor')).status).toBe(201);
    expect((await addMember(owned.project.id, leaving, shared.users.owner, 'viewer')).status).toBe(201);
    expect((await listOf(shared.users.owner)).map((project) => project.id)).toContain(owned.project.id);

    service.forgetAccount(leaving);
    await publishEvent(service.nats, USER_DELETED_SUBJECT, { userId: leaving, deletedAt: new Date().toISOString() });
    expect(await waitFor(() => service.logs().includes(`user ${leaving} deleted: removed 1 project(s) with 0 set(s) of answers, left 1 shared project(s)`))).toBe(true);

    expect((await membersOf(shared.path, shared.users.owner)).map((member) => member.userId)).not.toContain(leaving);
    expect(events.some((event) => event.subject === PROJECT_MEMBERSHIP_CHANGED_SUBJECT && event.data.projectId === shared.project.id && event.data.userId === leaving && event.data.role === null)).toBe(true);
    expect((await service.as(shared.users.owner).get(owned.path)).status).toBe(404);
    expect((await listOf(shared.users.owner)).map((project) => project.id)).toEqual([shared.project.id]);
    await expect(snapshot(shared.project.id, leaving)).rejects.toMatchObject({ status: 404 });
    expect((await service.as(shared.users.owner).post(`${shared.path}/members`, { email: email(leaving), role: 'viewer' })).status).toBe(404);
  });
});

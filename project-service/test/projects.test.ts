import type { ProjectResponse } from '@playbook/contract';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';

interface Problem {
  status: number;
  errors?: Array<{ path: string; message: string }>;
}

describe('project-service projects over HTTP', () => {
  let service: TestProjectService;
  beforeAll(async () => {
    service = await startTestProjectService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  const create = async (userId: string, body: unknown = { name: 'Clinic waiting room' }) => {
    const response = await service.as(userId).post('/api/projects', body);
    expect(response.status).toBe(201);
    return (await response.json()) as ProjectResponse;
  };

  it('creates, reads, renames, lists and deletes a project', async () => {
    const alice = service.as('alice');
    const created = await create('alice', { name: 'Clinic waiting room', description: 'Why do patients leave?\nA study.' });
    expect(created).toMatchObject({ name: 'Clinic waiting room', description: 'Why do patients leave?\nA study.', contentVersion: 0 });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(Object.keys(created)).not.toContain('ownerId');

    const read = await alice.get(`/api/projects/${created.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const renamed = await alice.patch(`/api/projects/${created.id}`, { name: 'Waiting room, 2nd round' });
    expect(renamed.status).toBe(200);
    const after = (await renamed.json()) as ProjectResponse;
    expect(after).toMatchObject({ name: 'Waiting room, 2nd round', description: created.description, contentVersion: 1 });
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    const described = (await (await alice.patch(`/api/projects/${created.id}`, { description: '' })).json()) as ProjectResponse;
    expect(described).toMatchObject({ description: '', contentVersion: 2 });

    const list = (await (await alice.get('/api/projects')).json()) as { items: ProjectResponse[]; nextCursor: string | null };
    expect(list.items.map((item) => item.id)).toContain(created.id);

    expect((await alice.delete(`/api/projects/${created.id}`)).status).toBe(204);
    expect((await alice.get(`/api/projects/${created.id}`)).status).toBe(404);
    expect((await alice.delete(`/api/projects/${created.id}`)).status).toBe(404);
  });

  it('gives user B a 404 on every route for user A’s project, and changes nothing', async () => {
    const project = await create('owner-a', { name: 'Private research' });
    const bob = service.as('user-b');
    const path = `/api/projects/${project.id}`;
    const answers = { responses: [{ fieldId: 'empathize.research_plan.goal', value: 'steal it' }] };
    for (const response of [
      await bob.get(path),
      await bob.patch(path, { name: 'mine now' }),
      await bob.get(`${path}/responses`),
      await bob.put(`${path}/responses`, answers),
      await bob.delete(path),
    ]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const bobsList = (await (await bob.get('/api/projects')).json()) as { items: ProjectResponse[] };
    expect(bobsList.items).toEqual([]);

    const untouched = (await (await service.as('owner-a').get(path)).json()) as ProjectResponse;
    expect(untouched).toEqual(project);
    expect((await (await service.as('owner-a').get(`${path}/responses`)).json()) as object).toEqual({ items: [] });
  });

  it('answers 404 (never 400 or 500) for ids that are not project ids', async () => {
    const carol = service.as('carol');
    for (const id of ['nope', '000000000000000000000000', 'zzzzzzzzzzzzzzzzzzzzzzzz', '%24ne', '123456789012']) {
      expect((await carol.get(`/api/projects/${id}`)).status).toBe(404);
      expect((await carol.get(`/api/projects/${id}/responses`)).status).toBe(404);
    }
  });

  it('requires a valid token on every project route', async () => {
    const anonymous = service.anonymous();
    expect((await anonymous.get('/api/projects')).status).toBe(401);
    expect((await anonymous.post('/api/projects', { name: 'x' })).status).toBe(401);
    expect((await anonymous.get('/api/projects/000000000000000000000000/responses')).status).toBe(401);
  });

  it('rejects unknown properties such as ownerId, and bad names and descriptions, naming the field', async () => {
    const dave = service.as('dave');
    const cases: Array<[unknown, string]> = [
      [{ name: 'Mine', ownerId: 'someone-else' }, '(body)'],
      [{ name: 'Mine', createdAt: '2020-01-01T00:00:00.000Z' }, '(body)'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'bell\u0007' }, 'name'],
      [{ name: 'ok', description: 'd'.repeat(2001) }, 'description'],
      [{ name: 'ok', description: 'escape \u001b[31m' }, 'description'],
      [{}, 'name'],
    ];
    for (const [body, path] of cases) {
      const response = await dave.post('/api/projects', body);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as Problem;
      expect(problem.errors?.map((error) => error.path)).toContain(path);
    }
    const project = await create('dave', { name: 'x'.repeat(200), description: 'tabs\tand\nnew lines, ünïcödé, 東京, שלום, 🚀' });
    const patched = await dave.patch(`/api/projects/${project.id}`, { ownerId: 'dave-2' });
    expect(patched.status).toBe(400);
    expect((await dave.patch(`/api/projects/${project.id}`, {})).status).toBe(400);
    expect((await dave.get(`/api/projects/${project.id}`)).status).toBe(200);
    expect(((await (await dave.get('/api/projects')).json()) as { items: ProjectResponse[] }).items[0].description).toBe('tabs\tand\nnew lines, ünïcödé, 東京, שלום, 🚀');
  });

  it('rejects bad list queries: limit outside 1–100, a forged cursor, unknown parameters', async () => {
    const erin = service.as('erin');
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=not-a-cursor', 'cursor=eyJ0IjoxfQ', 'owner=alice']) {
      expect((await erin.get(`/api/projects?${query}`)).status).toBe(400);
    }
    expect((await erin.get('/api/projects?limit=100')).status).toBe(200);
  });

  it('pages newest first and returns every project exactly once while new ones are being created', async () => {
    const user = 'pager';
    const before: string[] = [];
    for (let i = 0; i < 23; i++) before.push((await create(user, { name: `project ${i}` })).id);

    const seen: string[] = [];
    const createdDuring: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await service.as(user).get(`/api/projects${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: ProjectResponse[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((item) => item.id));
      // New projects arrive between page requests; they are newer than the cursor, so never show up later.
      createdDuring.push((await create(user, { name: `new during page ${pages}` })).id);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);

    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...before].sort());
    expect(seen).toEqual([...before].reverse());
    expect(pages).toBe(5);

    const fresh = (await (await service.as(user).get('/api/projects?limit=100')).json()) as { items: ProjectResponse[]; nextCursor: string | null };
    expect(fresh.items.map((item) => item.id)).toEqual([...createdDuring.reverse(), ...before.reverse()]);
    expect(fresh.nextCursor).toBeNull();
  });
});

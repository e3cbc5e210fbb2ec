import { createProject, deleteProject, getProject, listProjects, updateProject } from '../../src/domain/manage-projects';
import { saveResponses } from '../../src/domain/save-responses';
import { fakeProjectDeps, GOAL } from './fake-project-deps';

describe('project management (domain, with fakes)', () => {
  it('creates a project at content version 0 with an empty description by default', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'Clinic visits' });
    expect(project).toMatchObject({ ownerId: 'ana', name: 'Clinic visits', description: '', contentVersion: 0 });
    expect(await getProject(fake.deps, 'ana', project.id)).toEqual(project);
  });

  it('refuses a project beyond the most one account may keep with 409, until one is deleted; other owners are not affected', async () => {
    const fake = fakeProjectDeps();
    fake.deps.maxProjectsPerOwner = 2;
    const first = await createProject(fake.deps, 'ana', { name: 'one' });
    await createProject(fake.deps, 'ana', { name: 'two' });
    await expect(createProject(fake.deps, 'ana', { name: 'three' })).rejects.toMatchObject({ status: 409, message: expect.stringContaining('keeps 2 projects') });
    expect(fake.projects.size).toBe(2);
    await expect(createProject(fake.deps, 'bob', { name: 'his first' })).resolves.toMatchObject({ ownerId: 'bob' });
    await deleteProject(fake.deps, 'ana', first.id);
    await expect(createProject(fake.deps, 'ana', { name: 'three' })).resolves.toMatchObject({ name: 'three' });
  });

  it('answers the same 404 for someone else\'s project, an unknown id and a malformed one', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'P' });
    for (const id of [project.id, 'ffffffffffffffffffffffff', 'not-an-id']) {
      await expect(getProject(fake.deps, 'bob', id)).rejects.toMatchObject({ status: 404, message: 'Project not found' });
    }
    await expect(updateProject(fake.deps, 'bob', project.id, { name: 'mine now' })).rejects.toMatchObject({ status: 404 });
    await expect(deleteProject(fake.deps, 'bob', project.id)).rejects.toMatchObject({ status: 404 });
    expect(fake.projects.get(project.id)?.name).toBe('P');
    expect(fake.events).toEqual([]);
  });

  it('pages through the owner\'s projects newest first, never mixing in another owner\'s', async () => {
    const fake = fakeProjectDeps();
    const names: string[] = [];
    for (let i = 1; i <= 5; i++) {
      names.push(`P${i}`);
      await createProject(fake.deps, 'ana', { name: `P${i}` });
      await createProject(fake.deps, 'bob', { name: `B${i}` });
      if (i !== 3) fake.advance(1000); // P3 and P4 share a creation time: the id breaks the tie
    }
    const first = await listProjects(fake.deps, 'ana', { limit: 2 });
    const second = await listProjects(fake.deps, 'ana', { limit: 2, cursor: first.nextCursor! });
    const last = await listProjects(fake.deps, 'ana', { limit: 2, cursor: second.nextCursor! });
    expect([first, second, last].flatMap((page) => page.items.map((project) => project.name))).toEqual(names.reverse());
    expect(last.nextCursor).toBeNull();
  });

  it('has no next page when the last page is exactly full', async () => {
    const fake = fakeProjectDeps();
    await createProject(fake.deps, 'ana', { name: 'only' });
    expect((await listProjects(fake.deps, 'ana', { limit: 1 })).nextCursor).toBeNull();
  });

  it('refuses a cursor it did not make with 400', async () => {
    const fake = fakeProjectDeps();
    await expect(listProjects(fake.deps, 'ana', { limit: 2, cursor: 'garbage' })).rejects.toMatchObject({ status: 400 });
  });

  it('renames with a new content version and announces it; a stale If-Match is 412 and changes nothing', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'Old' });
    const renamed = await updateProject(fake.deps, 'ana', project.id, { name: 'New' }, [0]);
    expect(renamed).toMatchObject({ name: 'New', contentVersion: 1 });
    await expect(updateProject(fake.deps, 'ana', project.id, { name: 'Stale' }, [0])).rejects.toMatchObject({ status: 412, headers: { ETag: '"1"' } });
    expect(fake.projects.get(project.id)).toMatchObject({ name: 'New', contentVersion: 1 });
    expect(fake.events).toEqual([`updated ${project.id} v1`]);
    expect(fake.locks.size).toBe(0);
  });

  it('deletes the project with its answers, announces it, and leaves no lock behind', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'P' });
    await saveResponses(fake.deps, 'ana', project.id, [{ fieldId: GOAL, value: 'learn' }]);
    await deleteProject(fake.deps, 'ana', project.id);
    expect(fake.projects.size).toBe(0);
    expect(fake.answerSets.size).toBe(0);
    expect(fake.locks.size).toBe(0);
    expect(fake.events.at(-1)).toBe(`deleted ${project.id}`);
    await expect(getProject(fake.deps, 'ana', project.id)).rejects.toMatchObject({ status: 404 });
  });

  it('keeps the project when deleting its answers fails, so a retried DELETE finishes the job', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'P' });
    const remove = fake.deps.answers.delete;
    fake.deps.answers.delete = async () => {
      throw new Error('database unavailable');
    };
    await expect(deleteProject(fake.deps, 'ana', project.id)).rejects.toThrow('database unavailable');
    expect(fake.projects.has(project.id)).toBe(true);
    expect(fake.locks.size).toBe(0);
    fake.deps.answers.delete = remove;
    await deleteProject(fake.deps, 'ana', project.id);
    expect(fake.projects.size).toBe(0);
  });
});

import { deleteUserData } from '../../src/domain/delete-user-data';
import { createProject } from '../../src/domain/manage-projects';
import { saveResponses } from '../../src/domain/save-responses';
import { fakeProjectDeps, GOAL } from './fake-project-deps';

describe('deleteUserData (domain, with fakes)', () => {
  it('removes every project, answer set and lock of the user, announces each project, and spares other users', async () => {
    const fake = fakeProjectDeps();
    const [a1, a2] = [await createProject(fake.deps, 'ana', { name: 'A1' }), await createProject(fake.deps, 'ana', { name: 'A2' })];
    const bob = await createProject(fake.deps, 'bob', { name: 'B' });
    await saveResponses(fake.deps, 'ana', a1.id, [{ fieldId: GOAL, value: 'x' }]);
    await saveResponses(fake.deps, 'bob', bob.id, [{ fieldId: GOAL, value: 'y' }]);
    fake.locks.set(a2.id, { writeId: 'left-over', startedAt: fake.deps.now() });
    fake.events.length = 0;

    expect(await deleteUserData(fake.deps, 'ana')).toEqual({ projects: 2, answerSets: 1, memberships: 0 });
    expect([...fake.projects.keys()]).toEqual([bob.id]);
    expect([...fake.answerSets.keys()]).toEqual([bob.id]);
    expect(fake.locks.size).toBe(0);
    expect(fake.events.sort()).toEqual([`deleted ${a1.id}`, `deleted ${a2.id}`].sort());
  });

  it('is harmless when the event is delivered again', async () => {
    const fake = fakeProjectDeps();
    await createProject(fake.deps, 'ana', { name: 'A1' });
    await deleteUserData(fake.deps, 'ana');
    expect(await deleteUserData(fake.deps, 'ana')).toEqual({ projects: 0, answerSets: 0, memberships: 0 });
  });

  it('finds the projects again after a run that failed half-way (answers go first)', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'A1' });
    await saveResponses(fake.deps, 'ana', project.id, [{ fieldId: GOAL, value: 'x' }]);
    const deleteOwnedBy = fake.deps.projects.deleteOwnedBy;
    fake.deps.projects.deleteOwnedBy = async () => {
      throw new Error('database unavailable');
    };
    await expect(deleteUserData(fake.deps, 'ana')).rejects.toThrow('database unavailable');
    fake.deps.projects.deleteOwnedBy = deleteOwnedBy;
    expect(await deleteUserData(fake.deps, 'ana')).toEqual({ projects: 1, answerSets: 0, memberships: 0 });
    expect(fake.projects.size).toBe(0);
  });

  it('refuses a new project of the deleted user afterwards (a token outlives its account), not of others', async () => {
    const fake = fakeProjectDeps();
    await deleteUserData(fake.deps, 'ana');
    await expect(createProject(fake.deps, 'ana', { name: 'late' })).rejects.toMatchObject({ status: 401 });
    expect(fake.projects.size).toBe(0);
    await expect(createProject(fake.deps, 'bob', { name: 'fine' })).resolves.toMatchObject({ ownerId: 'bob' });
  });
});

import { createProject } from '../../src/domain/manage-projects';
import { checkIfMatch, readContentVersion, readProjectState } from '../../src/domain/project-state';
import { fakeProjectDeps } from './fake-project-deps';

/** A project whose answers were saved at version 3 while the project itself still says 2 (a save cut between its writes). */
async function halfSaved() {
  const fake = fakeProjectDeps();
  const project = await createProject(fake.deps, 'ana', { name: 'P' });
  fake.projects.get(project.id)!.contentVersion = 2;
  fake.answerSets.set(project.id, { answers: [{ fieldId: 'x', value: 'y', updatedAt: fake.deps.now() }], version: 3 });
  return { fake, id: project.id };
}

describe('project state (domain, with fakes)', () => {
  it('shows the larger of the project\'s and the answers\' version, so a version never goes back', async () => {
    const { fake, id } = await halfSaved();
    expect((await readProjectState(fake.deps, 'ana', id)).project.contentVersion).toBe(3);
  });

  it('reads a project without answers as version 0 with no answers', async () => {
    const fake = fakeProjectDeps();
    const project = await createProject(fake.deps, 'ana', { name: 'P' });
    expect(await readProjectState(fake.deps, 'ana', project.id)).toEqual({ project, answers: [] });
  });

  it('gives the PDF the project\'s own version when no change holds the lock, and the answers\' while one does', async () => {
    const { fake, id } = await halfSaved();
    expect(await readContentVersion(fake.deps, 'ana', id)).toBe(2);
    fake.locks.set(id, { writeId: 'w', startedAt: fake.deps.now() });
    expect(await readContentVersion(fake.deps, 'ana', id)).toBe(3);
  });

  it('answers 404 for someone else\'s project in every read', async () => {
    const { fake, id } = await halfSaved();
    await expect(readProjectState(fake.deps, 'bob', id)).rejects.toMatchObject({ status: 404 });
    await expect(readContentVersion(fake.deps, 'bob', id)).rejects.toMatchObject({ status: 404 });
  });

  it('accepts any of the versions the client names in If-Match, refuses others with 412 and the current ETag', async () => {
    const { fake, id } = await halfSaved();
    const { project } = await readProjectState(fake.deps, 'ana', id);
    expect(() => checkIfMatch(project, undefined)).not.toThrow();
    expect(() => checkIfMatch(project, [1, 3])).not.toThrow();
    expect(() => checkIfMatch(project, [1, 2])).toThrow(expect.objectContaining({ status: 412, headers: { ETag: '"3"' } }));
  });
});

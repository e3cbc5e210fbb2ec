import { createProject, deleteProject } from '../../src/domain/manage-projects';
import { HalfDoneChange, withOwnerLock, withProjectLock } from '../../src/domain/project-lock';
import { fakeProjectDeps } from './fake-project-deps';

/** The waits between attempts to take a held lock, recorded instead of slept: the fakes decide when a lock frees. */
const mockWaits: number[] = [];
jest.mock('node:timers/promises', () => ({ ...jest.requireActual('node:timers/promises'), setTimeout: async (ms: number) => void mockWaits.push(ms) }));
beforeEach(() => (mockWaits.length = 0));

async function withOneProject() {
  const fake = fakeProjectDeps();
  const project = await createProject(fake.deps, 'ana', { name: 'P' });
  return { fake, id: project.id };
}

describe('withProjectLock (domain, with fakes)', () => {
  it('runs the change on the project as it is now and frees the lock afterwards', async () => {
    const { fake, id } = await withOneProject();
    fake.projects.get(id)!.name = 'renamed meanwhile';
    const seen = await withProjectLock(fake.deps, 'ana', id, 'edit', async (current) => {
      expect(fake.locks.has(id)).toBe(true);
      return current.name;
    });
    expect(seen).toBe('renamed meanwhile');
    expect(fake.locks.size).toBe(0);
  });

  it('answers 404 for someone else\'s project without taking its lock', async () => {
    const { fake, id } = await withOneProject();
    const claim = jest.spyOn(fake.deps.locks, 'claim');
    await expect(withProjectLock(fake.deps, 'bob', id, 'edit', async () => 'changed')).rejects.toMatchObject({ status: 404 });
    expect(claim).not.toHaveBeenCalled();
  });

  it('frees the lock when the change fails, and passes the failure on', async () => {
    const { fake, id } = await withOneProject();
    await expect(withProjectLock(fake.deps, 'ana', id, 'edit', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(fake.locks.size).toBe(0);
  });

  it('waits for a change in progress and runs once that one is done', async () => {
    const { fake, id } = await withOneProject();
    fake.locks.set(id, { writeId: 'other', startedAt: fake.deps.now() });
    const find = fake.deps.locks.find;
    fake.deps.locks.find = async (projectId) => {
      const held = await find(projectId);
      fake.locks.delete(id); // the other change finishes while this one waits
      return held;
    };
    await expect(withProjectLock(fake.deps, 'ana', id, 'edit', async () => 'ran')).resolves.toBe('ran');
    expect(mockWaits).toEqual([50]);
    expect(fake.logs()).not.toContain('abandoned');
  });

  it('gives up with 409 after waiting past the stale limit for a lock that is neither freed nor stale (its holder renews it)', async () => {
    const { fake, id } = await withOneProject();
    fake.locks.set(id, { writeId: 'busy-writer', startedAt: fake.deps.now() });
    const change = jest.fn();
    await expect(withProjectLock(fake.deps, 'ana', id, 'edit', change)).rejects.toMatchObject({ status: 409 });
    expect(change).not.toHaveBeenCalled();
    expect(mockWaits.reduce((sum, ms) => sum + ms, 0)).toBe(fake.deps.lockStaleMs + 1000);
    expect(fake.locks.get(id)?.writeId).toBe('busy-writer');
  });

  it('frees a lock older than the stale limit, levels the versions its writer left behind, then runs', async () => {
    const { fake, id } = await withOneProject();
    fake.answerSets.set(id, { answers: [], version: 4 }); // the dead writer stored answers at version 4, not the project's
    fake.locks.set(id, { writeId: 'dead-writer', startedAt: fake.deps.now() });
    fake.advance(15_000);
    const version = await withProjectLock(fake.deps, 'ana', id, 'edit', async (current) => current.contentVersion);
    expect(version).toBe(4);
    expect(fake.logs()).toContain(`freeing the abandoned lock dead-writer of project ${id}`);
  });

  it('waits for a lock younger than the stale limit instead of freeing it', async () => {
    const { fake, id } = await withOneProject();
    fake.locks.set(id, { writeId: 'slow-writer', startedAt: fake.deps.now() });
    fake.advance(14_980);
    const find = jest.spyOn(fake.deps.locks, 'find').mockImplementation(async () => {
      const held = fake.locks.get(id);
      fake.advance(10); // 14 990 ms old at the first look, 15 000 (stale) at the second
      return held;
    });
    await withProjectLock(fake.deps, 'ana', id, 'edit', async () => undefined);
    expect(find).toHaveBeenCalledTimes(2);
  });

  it('after a half-done change, levels the versions and frees the lock when the database answers', async () => {
    const { fake, id } = await withOneProject();
    const change = async () => {
      fake.answerSets.set(id, { answers: [], version: 1 });
      throw new HalfDoneChange(new Error('connection reset'));
    };
    await expect(withProjectLock(fake.deps, 'ana', id, 'edit', change)).rejects.toThrow('connection reset');
    expect(fake.projects.get(id)?.contentVersion).toBe(1);
    expect(fake.locks.size).toBe(0);
  });

  it('after a half-done change, keeps the lock while the database is down, so no change builds on the old version', async () => {
    const { fake, id } = await withOneProject();
    const change = async () => {
      fake.answerSets.set(id, { answers: [], version: 1 });
      fake.deps.projects.setContentVersion = async () => Promise.reject(new Error('database unavailable'));
      throw new HalfDoneChange(new Error('database unavailable'));
    };
    await expect(withProjectLock(fake.deps, 'ana', id, 'edit', change)).rejects.toThrow('database unavailable');
    expect(fake.locks.size).toBe(1);
  });
});

describe("the owner's lock around creating and deleting projects (domain, with fakes)", () => {
  it('creates a project while holding the owner\'s lock, and frees it afterwards', async () => {
    const fake = fakeProjectDeps();
    const create = fake.deps.projects.create;
    fake.deps.projects.create = async (input) => {
      expect(fake.ownerLocks.has('ana')).toBe(true);
      return create(input);
    };
    await createProject(fake.deps, 'ana', { name: 'P' });
    expect(fake.ownerLocks.size).toBe(0);
  });

  it('answers 409 after waiting past the stale limit while another change of the owner\'s list holds the lock, creating nothing', async () => {
    const fake = fakeProjectDeps();
    fake.ownerLocks.set('ana', { writeId: 'other-create', startedAt: fake.deps.now() });
    await expect(createProject(fake.deps, 'ana', { name: 'P' })).rejects.toMatchObject({ status: 409 });
    expect(mockWaits.reduce((sum, ms) => sum + ms, 0)).toBe(fake.deps.lockStaleMs + 1000);
    expect(fake.projects.size).toBe(0);
  });

  it('renews a held lock while its change runs, so a long change is never taken for a dead one', async () => {
    const fake = fakeProjectDeps();
    fake.deps.lockStaleMs = 300; // renewed every 100 ms
    await withOwnerLock(fake.deps, 'ana', async () => {
      const claimedAt = fake.ownerLocks.get('ana')!.startedAt.getTime();
      fake.advance(60_000);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(fake.ownerLocks.get('ana')!.startedAt.getTime()).toBe(claimedAt + 60_000);
    });
    expect(fake.ownerLocks.size).toBe(0);
  });

  it('frees an owner\'s lock older than the stale limit (its writer died) and creates the project', async () => {
    const fake = fakeProjectDeps();
    fake.ownerLocks.set('ana', { writeId: 'dead-create', startedAt: fake.deps.now() });
    fake.advance(15_000);
    await createProject(fake.deps, 'ana', { name: 'P' });
    expect(fake.projects.size).toBe(1);
    expect(fake.logs()).toContain('freeing the abandoned lock dead-create of owner ana');
  });

  it('deletes a project while holding both its lock and its owner\'s', async () => {
    const { fake, id } = await withOneProject();
    fake.deps.projects.delete = async () => {
      expect([fake.locks.has(id), fake.ownerLocks.has('ana')]).toEqual([true, true]);
    };
    await deleteProject(fake.deps, 'ana', id);
    expect([fake.locks.size, fake.ownerLocks.size]).toEqual([0, 0]);
  });
});

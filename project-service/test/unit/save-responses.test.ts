import { playbookCatalog } from '../../src/domain/playbook-catalog';
import type { AnswerSet, AnswerWrite, Project, ProjectLock, StoredAnswer } from '../../src/domain/ports';
import type { ProjectDeps } from '../../src/domain/project-deps';
import { readResponses, saveResponses } from '../../src/domain/save-responses';
import { createCapturingLogger } from '../../../test/support/test-env';

const GOAL = 'empathize.research_plan.goal';

/** In-memory stand-ins for data/ (the methods the use cases call), with a switch to fail the version write. */
function fakeDeps() {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const project: Project = { id: 'p1', ownerId: 'ana', name: 'P', description: '', contentVersion: 0, createdAt: new Date(clock), updatedAt: new Date(clock), members: [] };
  const answerSet: AnswerSet = { answers: [], version: 0 };
  const locks = new Map<string, ProjectLock>();
  const published: number[] = [];
  const failures = { setContentVersion: 0, answersSaveAfterWriting: 0 };
  const captured = createCapturingLogger('fake');
  const deps = {
    projects: {
      find: async (id: string) => (id === project.id ? { ...project } : undefined),
      setContentVersion: async (_id: string, version: number, now: Date) => {
        if (failures.setContentVersion-- > 0) throw new Error('database unavailable');
        Object.assign(project, { contentVersion: version, updatedAt: now });
        return { ...project };
      },
    },
    answers: {
      read: async () => ({ answers: answerSet.answers.map((answer) => ({ ...answer })), version: answerSet.version }),
      save: async (_id: string, writes: AnswerWrite[], version: number, now: Date) => {
        const byField = new Map<string, StoredAnswer>(answerSet.answers.map((answer) => [answer.fieldId, answer]));
        for (const { fieldId, value } of writes) {
          if (value === '') byField.delete(fieldId);
          else byField.set(fieldId, { fieldId, value, updatedAt: now });
        }
        Object.assign(answerSet, { answers: [...byField.values()], version });
        if (failures.answersSaveAfterWriting-- > 0) throw new Error('connection reset after the write');
      },
    },
    locks: {
      claim: async (id: string, lock: ProjectLock) => (locks.has(id) ? false : (locks.set(id, lock), true)),
      find: async (id: string) => locks.get(id),
      renew: async () => undefined,
      release: async (id: string, writeId: string) => {
        if (locks.get(id)?.writeId === writeId) locks.delete(id);
      },
    },
    events: { projectUpdated: async (p: Project) => void published.push(p.contentVersion), projectDeleted: async () => undefined },
    catalog: playbookCatalog,
    logger: captured.logger,
    now: () => new Date(clock),
    // Short, so the wait before a 409 (the stale limit and a second) is short too.
    lockStaleMs: 1_000,
  } as unknown as ProjectDeps;
  return { deps, project, answerSet, locks, published, failures, logs: captured.text, advance: (ms: number) => (clock += ms) };
}

describe('saveResponses (domain, with fakes)', () => {
  it('keeps the lock of a save whose version write failed while the database stays down, and levels the version before the next save', async () => {
    const fake = fakeDeps();
    await saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'one' }]);
    fake.failures.setContentVersion = 2; // the save's write and the levelling right after it
    await expect(saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'two' }])).rejects.toThrow('database unavailable');
    expect(fake.answerSet.version).toBe(2); // the answers are stored, the project still says 1
    expect(fake.project.contentVersion).toBe(1);
    expect(fake.locks.size).toBe(1); // nobody builds on the half-done save…
    expect((await readResponses(fake.deps, 'ana', 'p1')).project.contentVersion).toBe(2); // …and readers see its version

    fake.advance(16_000); // the lock is stale now
    const third = await saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'three' }]);
    expect(third.project.contentVersion).toBe(3); // not a second version 2
    expect(fake.logs()).toContain('freeing the abandoned lock');
    expect(fake.locks.size).toBe(0);
    expect(fake.published).toEqual([1, 3]);
  });

  it('levels the version at once when a failed answer write did land, and frees the lock', async () => {
    const fake = fakeDeps();
    fake.failures.answersSaveAfterWriting = 1;
    await expect(saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'landed' }])).rejects.toThrow('connection reset');
    expect(fake.project.contentVersion).toBe(1);
    expect(fake.locks.size).toBe(0);
    expect((await saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'next' }])).project.contentVersion).toBe(2);
  });

  it('refuses a stale If-Match with the current version and writes nothing', async () => {
    const fake = fakeDeps();
    await saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'one' }], [0]);
    await expect(saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'stale' }], [0])).rejects.toMatchObject({ status: 412, headers: { ETag: '"1"' } });
    expect(fake.answerSet.answers.map((answer) => answer.value)).toEqual(['one']);
    expect(fake.locks.size).toBe(0);
  });

  it('waits for a change in progress and answers 409 once the wait outlasts the stale limit', async () => {
    const fake = fakeDeps();
    fake.locks.set('p1', { writeId: 'someone', startedAt: fake.deps.now() });
    await expect(saveResponses(fake.deps, 'ana', 'p1', [{ fieldId: GOAL, value: 'x' }])).rejects.toMatchObject({ status: 409 });
    expect(fake.answerSet.version).toBe(0);
  });
});

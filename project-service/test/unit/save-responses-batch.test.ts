import { playbookCatalog } from '../../src/domain/playbook-catalog';
import { createProject } from '../../src/domain/manage-projects';
import { findAnswerProblems, readResponses, saveResponses } from '../../src/domain/save-responses';
import { fakeProjectDeps, GOAL } from './fake-project-deps';

const QUESTIONS = 'empathize.research_plan.questions';

async function withOneProject() {
  const fake = fakeProjectDeps();
  const project = await createProject(fake.deps, 'ana', { name: 'P' });
  return { fake, id: project.id };
}

describe('saveResponses, one batch (domain, with fakes)', () => {
  it('names every bad item of a batch by its index and saves none of it', async () => {
    const { fake, id } = await withOneProject();
    const batch = [
      { fieldId: GOAL, value: 'fine' },
      { fieldId: 'no.such.field', value: 'x' },
      { fieldId: QUESTIONS, value: 'x'.repeat(100_000) },
      { fieldId: GOAL, value: 'twice' },
    ];
    const refusal = saveResponses(fake.deps, 'ana', id, batch);
    await expect(refusal).rejects.toMatchObject({ status: 400, errors: [{ path: 'responses.1.fieldId' }, { path: 'responses.2.value' }, { path: 'responses.3.fieldId' }] });
    expect(fake.answerSets.size).toBe(0);
    expect(fake.projects.get(id)?.contentVersion).toBe(0);
    expect(fake.locks.size).toBe(0);
    expect(fake.events).toEqual([]);
  });

  it('skips holes left by items that were already malformed, keeping the request\'s indexes', () => {
    expect(findAnswerProblems([undefined, { fieldId: 'nope', value: '' }], playbookCatalog)).toEqual([{ path: 'responses.1.fieldId', message: 'unknown field "nope"' }]);
  });

  it('makes one new content version per save, removes blank answers, and counts both', async () => {
    const { fake, id } = await withOneProject();
    await saveResponses(fake.deps, 'ana', id, [{ fieldId: GOAL, value: 'learn' }, { fieldId: QUESTIONS, value: 'why\nhow' }]);
    const second = await saveResponses(fake.deps, 'ana', id, [{ fieldId: GOAL, value: '   ' }]);
    expect(second).toMatchObject({ saved: 0, removed: 1, project: { contentVersion: 2 } });
    const { answers } = await readResponses(fake.deps, 'ana', id);
    expect(answers.map((answer) => answer.fieldId)).toEqual([QUESTIONS]);
    expect(fake.events).toEqual([`updated ${id} v1`, `updated ${id} v2`]);
  });

  it('reads answers in catalog order, answers to fields no longer in the catalog last', async () => {
    const { fake, id } = await withOneProject();
    const now = fake.deps.now();
    fake.answerSets.set(id, { version: 1, answers: [QUESTIONS, 'zz.retired.field', GOAL].map((fieldId) => ({ fieldId, value: 'v', updatedAt: now })) });
    const { answers } = await readResponses(fake.deps, 'ana', id);
    expect(answers.map((answer) => answer.fieldId)).toEqual([GOAL, QUESTIONS, 'zz.retired.field']);
  });

  it('answers 404 for someone else\'s project and writes nothing', async () => {
    const { fake, id } = await withOneProject();
    await expect(saveResponses(fake.deps, 'bob', id, [{ fieldId: GOAL, value: 'x' }])).rejects.toMatchObject({ status: 404 });
    await expect(readResponses(fake.deps, 'bob', id)).rejects.toMatchObject({ status: 404 });
    expect(fake.answerSets.size).toBe(0);
  });
});

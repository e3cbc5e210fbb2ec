import { buildPlaybookDocument } from '../../src/domain/document-model';
import { snapshotOf } from './fake-pdf-deps';

const GOAL = 'empathize.research_plan.goal';
const QUESTIONS = 'empathize.research_plan.questions';
const at = '2026-12-01T10:00:00.000Z';

describe('playbook document (domain)', () => {
  it('follows the catalog the snapshot carries, counting answered fields per section, phase and document', () => {
    const doc = buildPlaybookDocument(snapshotOf(1), new Date(at));
    expect(doc.phases.map((phase) => [phase.number, phase.id, phase.answered, phase.total])).toEqual([[1, 'empathize', 1, 2]]);
    expect(doc.phases[0]?.sections[0]?.fields.map((field) => field.answer)).toEqual(['goal at v1', undefined]);
    expect(doc).toMatchObject({ projectName: 'Clinic visits', fieldCount: 2, answeredCount: 1, responseCount: 1, generatedAt: new Date(at) });
  });

  it('counts a blank answer as unanswered, and an answer to a field no longer in the catalog only as a response', () => {
    const snapshot = { ...snapshotOf(1), responses: [{ fieldId: GOAL, value: '  \n ', updatedAt: at }, { fieldId: 'retired.field', value: 'kept', updatedAt: at }] };
    const doc = buildPlaybookDocument(snapshot);
    expect(doc).toMatchObject({ answeredCount: 0, responseCount: 2 });
  });

  it('splits a list answer into its items, skipping blank lines', () => {
    const snapshot = { ...snapshotOf(1), responses: [{ fieldId: QUESTIONS, value: 'Why?\n\n  How?  \n', updatedAt: at }] };
    const field = buildPlaybookDocument(snapshot).phases[0]?.sections[0]?.fields[1];
    expect(field).toMatchObject({ id: QUESTIONS, answer: 'Why?\n\n  How?  \n', items: ['Why?', 'How?'] });
  });
});

import { findPlaybookField, listPlaybookFields, type PlaybookCatalog } from '@playbook/contract';
import { ValidationError, type FieldProblem } from '@playbook/kit';
import type { AnswerWrite, Project } from './ports';
import type { ProjectDeps } from './project-deps';
import { projectNotFound } from './project-errors';
import { HalfDoneChange, withProjectLock } from './project-lock';
import { checkIfMatch, readProjectState } from './project-state';

export interface SaveResult {
  project: Project;
  saved: number;
  removed: number;
}

/**
 * Every problem of a batch against the catalog, by index and field id; empty when all are fine. Holes
 * (items that were already malformed) are skipped, so indexes stay those of the request.
 */
export function findAnswerProblems(answers: Array<AnswerWrite | undefined>, catalog: PlaybookCatalog): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  answers.forEach((answer, index) => {
    if (!answer) return;
    const { fieldId, value } = answer;
    const located = findPlaybookField(fieldId, catalog);
    if (!located) problems.push({ path: `responses.${index}.fieldId`, message: `unknown field "${fieldId}"` });
    else if (value.length > located.field.maxLength) {
      problems.push({ path: `responses.${index}.value`, message: `"${fieldId}" is too long: ${value.length} characters, at most ${located.field.maxLength}` });
    }
    if (seen.has(fieldId)) problems.push({ path: `responses.${index}.fieldId`, message: `"${fieldId}" appears more than once` });
    seen.add(fieldId);
  });
  return problems;
}

/**
 * Saves a batch of answers, all or nothing: every item is checked against the catalog first (a bad item →
 * 400 naming each bad one, nothing saved), then the whole batch is one write of the project's answers. A
 * blank value removes the answer. The content version grows by one per save; `ifMatch` (the versions the
 * client last saw) makes a stale save a 412 that writes nothing.
 */
export async function saveResponses(deps: ProjectDeps, userId: string, projectId: string, answers: AnswerWrite[], ifMatch?: number[]): Promise<SaveResult> {
  const writes = answers.map(({ fieldId, value }) => ({ fieldId, value: value.trim() === '' ? '' : value }));
  const project = await withProjectLock(deps, userId, projectId, 'edit', async (current) => {
    const problems = findAnswerProblems(answers, deps.catalog);
    if (problems.length > 0) throw new ValidationError(`${problems.length} problem(s) in the answers; nothing was saved`, problems);
    checkIfMatch(current, ifMatch);
    const version = current.contentVersion + 1;
    const now = deps.now();
    try {
      await deps.answers.save(current.id, writes, version, now);
      return await deps.projects.setContentVersion(current.id, version, now);
    } catch (error) {
      // Even a failed answer write may have landed (the connection cut after the write): see HalfDoneChange.
      throw new HalfDoneChange(error);
    }
  });
  if (!project) throw projectNotFound(); // deleted meanwhile (its owner's account was)
  await deps.events.projectUpdated(project);
  const removed = writes.filter((write) => write.value === '').length;
  return { project, saved: writes.length - removed, removed };
}

/** The stored answers of a project the user may `read` (or print), in catalog order (answers to fields no longer in the catalog last). */
export async function readResponses(deps: ProjectDeps, userId: string, projectId: string, action: 'read' | 'renderPdf' = 'read') {
  const { project, answers } = await readProjectState(deps, userId, projectId, action);
  const order = new Map(listPlaybookFields(deps.catalog).map(({ field }, index) => [field.id, index]));
  const rank = (fieldId: string) => order.get(fieldId) ?? Number.MAX_SAFE_INTEGER;
  answers.sort((a, b) => rank(a.fieldId) - rank(b.fieldId) || a.fieldId.localeCompare(b.fieldId));
  return { project, answers };
}

import { playbookCatalog } from '../../src/domain/playbook-catalog';
import { roleOf } from '../../src/domain/project-roles';
import type { ProjectDeps } from '../../src/domain/project-deps';
import type { AnswerSet, ListPosition, LockRepository, Project, ProjectLock } from '../../src/domain/ports';
import { createCapturingLogger } from '../../../test/support/test-env';

export const GOAL = 'empathize.research_plan.goal';

const newestFirst = (a: ListPosition, b: ListPosition) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id);

/**
 * In-memory stand-ins for the ports (domain/ports.ts) behind ProjectDeps, for any number of projects and owners.
 * The clock stands still unless a test advances it; `events` lists what the use cases announced, in order.
 */
export function fakeProjectDeps() {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  let nextId = 1;
  const projects = new Map<string, Project>();
  const answerSets = new Map<string, AnswerSet>();
  const locks = new Map<string, ProjectLock>();
  const ownerLocks = new Map<string, ProjectLock>();
  const deletedOwners = new Set<string>();
  const events: string[] = [];
  const captured = createCapturingLogger('fake');
  const copy = (project: Project | undefined) => (project ? { ...project, members: project.members.map((member) => ({ ...member })) } : undefined);
  /** Each user's list: project id → shared (a member's, not their own). */
  const lists = new Map<string, Map<string, boolean>>();
  const listOf = (userId: string) => lists.get(userId) ?? lists.set(userId, new Map()).get(userId)!;
  /** Account id of each email, for adding members: `<id>@example.com`, unless deleted. */
  const accounts = new Set<string>();
  const change = (id: string, fields: Partial<Project>) => {
    const project = projects.get(id);
    if (project) Object.assign(project, fields);
    return copy(project);
  };

  const deps: ProjectDeps = {
    projects: {
      create: async ({ ownerId, name, description, now }) => {
        const project: Project = { id: (nextId++).toString(16).padStart(24, '0'), ownerId, name, description, contentVersion: 0, createdAt: now, updatedAt: now, members: [] };
        projects.set(project.id, project);
        listOf(ownerId).set(project.id, false);
        return copy(project)!;
      },
      find: async (id) => copy(projects.get(id)),
      listFor: async (userId, limit, after) =>
        [...listOf(userId).keys()]
          .map((id) => projects.get(id))
          .filter((project): project is Project => project !== undefined && roleOf(project, userId) !== undefined && (!after || newestFirst(project, after) > 0))
          .sort(newestFirst)
          .slice(0, limit)
          .map((project) => copy(project)!),
      update: async (id, changes, contentVersion, now) => change(id, { ...changes, contentVersion, updatedAt: now }),
      setContentVersion: async (id, contentVersion, now) => change(id, { contentVersion, updatedAt: now }),
      setMembership: async (id, { ownerId, members }) => void change(id, { ownerId, members: members.map((member) => ({ ...member })) }),
      delete: async ({ id, ownerId }) => {
        projects.delete(id);
        listOf(ownerId).delete(id);
      },
      listProject: async (userId, { id, shared }) => void listOf(userId).set(id, shared),
      unlistProject: async (userId, projectId) => void listOf(userId).delete(projectId),
      listedIds: async (userId) => [...listOf(userId).keys()],
      ownerState: async (ownerId) => ({ projects: [...listOf(ownerId).values()].filter((shared) => !shared).length, deleted: deletedOwners.has(ownerId) }),
      markOwnerDeleted: async (ownerId) => void deletedOwners.add(ownerId),
      listIdsOwnedBy: async (ownerId) => [...projects.values()].filter((project) => project.ownerId === ownerId).map((project) => project.id),
      deleteOwnedBy: async (ownerId) => {
        const owned = [...projects.values()].filter((project) => project.ownerId === ownerId);
        for (const project of owned) projects.delete(project.id);
        listOf(ownerId).clear();
        return owned.length;
      },
    },
    answers: {
      read: async (id) => {
        const set = answerSets.get(id);
        return set && { answers: set.answers.map((answer) => ({ ...answer })), version: set.version };
      },
      save: async (id, writes, version, now) => {
        const byField = new Map((answerSets.get(id)?.answers ?? []).map((answer) => [answer.fieldId, answer]));
        for (const { fieldId, value } of writes) {
          if (value === '') byField.delete(fieldId);
          else byField.set(fieldId, { fieldId, value, updatedAt: now });
        }
        answerSets.set(id, { answers: [...byField.values()], version });
      },
      delete: async (id) => (answerSets.delete(id) ? 1 : 0),
    },
    locks: fakeLocks(locks),
    ownerLocks: fakeLocks(ownerLocks),
    events: {
      projectUpdated: async (project) => void events.push(`updated ${project.id} v${project.contentVersion}`),
      projectDeleted: async (project) => void events.push(`deleted ${project.id}`),
      membershipChanged: async ({ projectId, userId, role }) => void events.push(`member ${projectId} ${userId} ${role ?? 'removed'}`),
    },
    users: {
      findUserIdByEmail: async (email) => {
        const id = email.replace(/@example\.com$/, '');
        return accounts.has(id) ? id : undefined;
      },
    },
    catalog: playbookCatalog,
    logger: captured.logger,
    now: () => new Date(clock),
    lockStaleMs: 15_000,
    maxProjectsPerOwner: 200,
  };

  return { deps, projects, answerSets, locks, ownerLocks, events, lists, accounts, logs: captured.text, advance: (ms: number) => (clock += ms) };
}

function fakeLocks(held: Map<string, ProjectLock>): LockRepository {
  return {
    claim: async (key, lock) => (held.has(key) ? false : (held.set(key, lock), true)),
    find: async (key) => held.get(key),
    renew: async (key, writeId, at) => {
      const lock = held.get(key);
      if (lock?.writeId === writeId) held.set(key, { ...lock, startedAt: at });
    },
    release: async (key, writeId) => {
      if (held.get(key)?.writeId === writeId) held.delete(key);
    },
    releaseAll: async (keys) => keys.forEach((key) => held.delete(key)),
  };
}

import type { PlaybookCatalog } from '@playbook/contract';
import type { Logger } from '@playbook/kit';
import type { AnswerRepository, ProjectEvents, LockRepository, ProjectRepository, UserDirectory } from './ports';

/** Everything the use cases need, passed in by the composition root (tests build their own). */
export interface ProjectDeps {
  projects: ProjectRepository;
  answers: AnswerRepository;
  /** One lock per project: every change of a project holds it. */
  locks: LockRepository;
  /** One lock per user's list of projects: creating or deleting a project, or adding or removing a member, holds it. */
  ownerLocks: LockRepository;
  events: ProjectEvents;
  /** Who an email belongs to, for adding members. */
  users: UserDirectory;
  catalog: PlaybookCatalog;
  logger: Logger;
  now: () => Date;
  /** A lock older than this is taken as abandoned (its writer died) and freed by the next change. */
  lockStaleMs: number;
  /** Projects one owner may keep. */
  maxProjectsPerOwner: number;
}

import type { Logger, PlaybookCatalog } from '@playbook/shared';
import type { AnswerRepository } from '../data/answer-repository';
import type { ProjectLockRepository } from '../data/project-lock-repository';
import type { Project, ProjectRepository } from '../data/project-repository';

/** What the use cases tell the rest of the system; implemented over NATS in messaging/. */
export interface ProjectEvents {
  projectUpdated(project: Project): Promise<void>;
  projectDeleted(project: Pick<Project, 'id' | 'ownerId'>): Promise<void>;
}

/** Everything the use cases need, passed in by the composition root (tests build their own). */
export interface ProjectDeps {
  projects: ProjectRepository;
  answers: AnswerRepository;
  locks: ProjectLockRepository;
  events: ProjectEvents;
  catalog: PlaybookCatalog;
  logger: Logger;
  now: () => Date;
  /** A project lock older than this is taken as abandoned (its writer died) and freed by the next change. */
  lockStaleMs: number;
}

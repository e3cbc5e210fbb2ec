import type { PlaybookCatalog } from '@playbook/contract';
import type { Logger } from '@playbook/kit';
import type { AnswerRepository, ProjectEvents, ProjectLockRepository, ProjectRepository } from './ports';

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

import { EVENT_STREAM_SUBJECTS, JWKS_SUBJECT } from '@playbook/contract';
import { defineService } from '@playbook/kit';
import { openDatabase } from '@playbook/kit/mongo';
import { ensureEventStream, tokenCheckOverNats } from '@playbook/kit/nats';
import { createApp } from './app';
import { projectConfigSchema } from './config';
import { createAnswerRepository } from './data/answer-repository';
import { migrateAnswerRows, type AnswerRowsMigration } from './data/answer-rows-migration';
import { createProjectLockRepository } from './data/project-lock-repository';
import { createProjectRepository } from './data/project-repository';
import { playbookCatalog } from './domain/playbook-catalog';
import type { ProjectDeps } from './domain/project-deps';
import { createProjectEventPublisher } from './messaging/project-event-publisher';
import { serveSnapshots, serveVersions } from './messaging/snapshot-handler';
import { consumeUserDeletions } from './messaging/user-deleted-handler';

const MIGRATION_INTERVAL_MS = 60_000;

/** project-service: projects and their answers, the playbook catalog, and the snapshots pdf-service renders. */
export const projectService = defineService({
  name: 'project-service',
  config: projectConfigSchema,
  database: openDatabase,
  setup: async (runtime, config) => {
    await ensureEventStream(runtime.nats, EVENT_STREAM_SUBJECTS);
    await migrateAnswerRows(runtime.mongo!.connection, rowsMigration(runtime.logger, config.PROJECT_LOCK_STALE_MS));
  },
  dependencies: async ({ mongo, nats, logger }, config): Promise<ProjectDeps> => ({
    projects: await createProjectRepository(mongo!.connection),
    answers: await createAnswerRepository(mongo!.connection),
    locks: await createProjectLockRepository(mongo!.connection),
    events: createProjectEventPublisher(nats, logger),
    catalog: playbookCatalog,
    logger,
    now: () => new Date(),
    lockStaleMs: config.PROJECT_LOCK_STALE_MS,
  }),
  background: ({ runtime, config, deps }) => [
    ['snapshot requests', () => serveSnapshots(runtime.nats, deps)],
    ['version requests', () => serveVersions(runtime.nats, deps)],
    ['user deletions', () => consumeUserDeletions(runtime.nats, deps)],
    // Pods of the old version may still write rows during a rolling upgrade: later passes move them too.
    ['answer row migration', () => {
      const migration = rowsMigration(runtime.logger, config.PROJECT_LOCK_STALE_MS);
      const timer = setInterval(() => {
        migrateAnswerRows(runtime.mongo!.connection, migration).catch((error: Error) => runtime.logger.warn(`moving old answer rows failed, retrying in a minute: ${error.message}`));
      }, MIGRATION_INTERVAL_MS).unref();
      return { stop: async () => clearInterval(timer) };
    }],
  ],
  http: ({ runtime, config, deps }) =>
    createApp(runtime, { deps, requireUser: tokenCheckOverNats(runtime, JWKS_SUBJECT), bodyLimit: config.MAX_BODY_SIZE, maxConcurrentWrites: config.MAX_CONCURRENT_WRITES }),
});

const rowsMigration = (logger: AnswerRowsMigration['logger'], lockStaleMs: number): AnswerRowsMigration => ({ logger, lockStaleMs, now: () => new Date() });

export const startProjectService = projectService.start;

if (require.main === module) projectService.run();

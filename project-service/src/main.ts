import { EVENT_STREAM_SUBJECTS, JWKS_SUBJECT, REVOCATION_FEED } from '@playbook/contract';
import { defineService } from '@playbook/kit';
import { openDatabase } from '@playbook/kit/mongo';
import { ensureEventStream, tokenCheckOverNats } from '@playbook/kit/nats';
import { createApp } from './app';
import { projectConfigSchema } from './config';
import { createAnswerRepository } from './data/answer-repository';
import { migrateAnswerRows, type AnswerRowsMigration } from './data/answer-rows-migration';
import { createOwnerLockRepository, createProjectLockRepository } from './data/lock-repository';
import { addUnlistedProjects } from './data/owner-projects-backfill';
import { createProjectRepository } from './data/project-repository';
import { playbookCatalog } from './domain/playbook-catalog';
import type { ProjectDeps } from './domain/project-deps';
import { createProjectEventPublisher } from './messaging/project-event-publisher';
import { serveSnapshots, serveVersions } from './messaging/snapshot-handler';
import { consumeUserDeletions } from './messaging/user-deleted-handler';
import { createUserDirectory } from './messaging/user-lookup';

const MIGRATION_INTERVAL_MS = 60_000;
/** Pods of the older version are gone well before this; the lists' pass (a scan of every project) then stops. */
const LIST_BACKFILL_FOR_MS = 60 * 60_000;

/** project-service: projects and their answers, the playbook catalog, and the snapshots pdf-service renders. */
export const projectService = defineService({
  name: 'project-service',
  config: projectConfigSchema,
  database: openDatabase,
  setup: async (runtime, config) => {
    await ensureEventStream(runtime.nats, EVENT_STREAM_SUBJECTS);
    const connection = runtime.mongo!.connection;
    await migrateAnswerRows(connection, rowsMigration(runtime.logger, config.PROJECT_LOCK_STALE_MS));
    const listed = await addUnlistedProjects(connection, await createOwnerLockRepository(connection), () => new Date());
    if (listed.added > 0) runtime.logger.info(`added ${listed.added} project(s) to their owners' lists`);
  },
  dependencies: async ({ mongo, nats, logger, metrics }, config): Promise<ProjectDeps> => ({
    projects: await createProjectRepository(mongo!.connection),
    answers: await createAnswerRepository(mongo!.connection),
    locks: await createProjectLockRepository(mongo!.connection),
    ownerLocks: await createOwnerLockRepository(mongo!.connection),
    events: createProjectEventPublisher(nats, logger),
    users: createUserDirectory(nats, { timeoutMs: config.NATS_REQUEST_TIMEOUT_MS, metrics }),
    catalog: playbookCatalog,
    logger,
    now: () => new Date(),
    lockStaleMs: config.PROJECT_LOCK_STALE_MS,
    maxProjectsPerOwner: config.MAX_PROJECTS_PER_USER,
  }),
  background: ({ runtime, config, deps }) => [
    ['snapshot requests', () => serveSnapshots(runtime.nats, deps)],
    ['version requests', () => serveVersions(runtime.nats, deps)],
    ['user deletions', () => consumeUserDeletions(runtime.nats, deps)],
    // Pods of the old version may still write rows, and create unlisted projects, during a rolling upgrade.
    ['upgrade passes', () => {
      const migration = rowsMigration(runtime.logger, config.PROJECT_LOCK_STALE_MS);
      const connection = runtime.mongo!.connection;
      const listsUntil = Date.now() + LIST_BACKFILL_FOR_MS;
      const timer = setInterval(() => {
        migrateAnswerRows(connection, migration).catch((error: Error) => runtime.logger.warn(`moving old answer rows failed, retrying in a minute: ${error.message}`));
        if (Date.now() < listsUntil) addUnlistedProjects(connection, deps.ownerLocks, () => new Date()).catch((error: Error) => runtime.logger.warn(`listing old projects failed, retrying in a minute: ${error.message}`));
      }, MIGRATION_INTERVAL_MS).unref();
      return { stop: async () => clearInterval(timer) };
    }],
  ],
  http: ({ runtime, config, deps }) =>
    createApp(runtime, { deps, requireUser: tokenCheckOverNats(runtime, JWKS_SUBJECT, REVOCATION_FEED).requireUser, bodyLimit: config.MAX_BODY_SIZE, maxConcurrentWrites: config.MAX_CONCURRENT_WRITES }),
});

const rowsMigration = (logger: AnswerRowsMigration['logger'], lockStaleMs: number): AnswerRowsMigration => ({ logger, lockStaleMs, now: () => new Date() });

export const startProjectService = projectService.start;

if (require.main === module) projectService.run();

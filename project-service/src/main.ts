import {
  tokenCheckOverNats,
  ensureEventStream,
  listen,
  loadConfig,
  openServiceRuntime,
  playbookCatalog,
  runService,
  type Logger,
  type RunningService,
} from '@playbook/shared';
import { createApp } from './app';
import { projectConfigSchema, type ProjectConfig } from './config';
import { createAnswerRepository } from './data/answer-repository';
import { migrateAnswerRows } from './data/answer-rows-migration';
import { createProjectLockRepository } from './data/project-lock-repository';
import { createProjectRepository } from './data/project-repository';
import type { ProjectDeps } from './domain/project-deps';
import { createProjectEventPublisher } from './messaging/project-event-publisher';
import { serveSnapshots, serveVersions } from './messaging/snapshot-handler';
import { consumeUserDeletions } from './messaging/user-deleted-handler';

const MIGRATION_INTERVAL_MS = 60_000;

/** Composition root: config → connections → app, snapshot responder and event consumer → listening service with an ordered shutdown. */
export async function startProjectService(config: ProjectConfig, logger?: Logger): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'project-service', config, dbName: config.MONGO_DB, logger });
  const connection = runtime.mongo!.connection;
  const deps: ProjectDeps = {
    projects: createProjectRepository(connection),
    answers: createAnswerRepository(connection),
    locks: createProjectLockRepository(connection),
    events: createProjectEventPublisher(runtime.nats, runtime.logger),
    catalog: playbookCatalog,
    logger: runtime.logger,
    now: () => new Date(),
    lockStaleMs: config.PROJECT_LOCK_STALE_MS,
  };
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
  const migration = { logger: runtime.logger, lockStaleMs: config.PROJECT_LOCK_STALE_MS, now: deps.now };
  await migrateAnswerRows(connection, migration);
  // Pods of the old version may still write rows during a rolling upgrade: later passes move them too.
  const migrationTimer = setInterval(() => {
    migrateAnswerRows(connection, migration).catch((error: Error) => runtime.logger.warn(`moving old answer rows failed, retrying in a minute: ${error.message}`));
  }, MIGRATION_INTERVAL_MS).unref();
  await ensureEventStream(runtime.nats);
  const snapshots = serveSnapshots(runtime.nats, deps);
  const versions = serveVersions(runtime.nats, deps);
  const userDeletions = await consumeUserDeletions(runtime.nats, deps);
  const auth = tokenCheckOverNats(runtime);
  const app = createApp(runtime, { deps, auth, bodyLimit: config.MAX_BODY_SIZE, maxConcurrentWrites: config.MAX_CONCURRENT_WRITES });
  return listen(runtime, app, {
    port: config.PORT,
    beforeDisconnect: [
      ['answer row migration', async () => clearInterval(migrationTimer)],
      ['snapshot requests', () => snapshots.drain()],
      ['version requests', () => versions.drain()],
      ['user deletions', () => userDeletions.stop()],
    ],
  });
}

if (require.main === module) runService('project-service', () => startProjectService(loadConfig(projectConfigSchema)));

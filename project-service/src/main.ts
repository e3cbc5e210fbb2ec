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
import { createProjectLockRepository } from './data/project-lock-repository';
import { createProjectRepository } from './data/project-repository';
import { createResponseRepository } from './data/response-repository';
import type { ProjectDeps } from './domain/project-deps';
import { createProjectEventPublisher } from './messaging/project-event-publisher';
import { serveSnapshots } from './messaging/snapshot-handler';
import { consumeUserDeletions } from './messaging/user-deleted-handler';

/** Composition root: config → connections → app, snapshot responder and event consumer → listening service with an ordered shutdown. */
export async function startProjectService(config: ProjectConfig, logger?: Logger): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'project-service', config, dbName: config.MONGO_DB, logger });
  const connection = runtime.mongo!.connection;
  const deps: ProjectDeps = {
    projects: createProjectRepository(connection),
    responses: createResponseRepository(connection),
    locks: createProjectLockRepository(connection),
    events: createProjectEventPublisher(runtime.nats, runtime.logger),
    catalog: playbookCatalog,
    logger: runtime.logger,
    now: () => new Date(),
    lockStaleMs: config.PROJECT_LOCK_STALE_MS,
  };
  // The unique (projectId, fieldId) index must exist before the first write, not "soon after".
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
  await ensureEventStream(runtime.nats);
  const snapshots = serveSnapshots(runtime.nats, deps);
  const userDeletions = await consumeUserDeletions(runtime.nats, deps);
  const auth = tokenCheckOverNats(runtime);
  const app = createApp(runtime, { deps, auth, bodyLimit: config.MAX_BODY_SIZE, maxConcurrentWrites: config.MAX_CONCURRENT_WRITES });
  return listen(runtime, app, {
    port: config.PORT,
    beforeDisconnect: [
      ['snapshot requests', () => snapshots.drain()],
      ['user deletions', () => userDeletions.stop()],
    ],
  });
}

if (require.main === module) runService('project-service', () => startProjectService(loadConfig(projectConfigSchema)));

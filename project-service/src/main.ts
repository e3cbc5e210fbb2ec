import { listen, loadConfig, openServiceRuntime, runService, type Logger, type RunningService } from '@playbook/shared';
import { createApp } from './app';
import { projectConfigSchema, type ProjectConfig } from './config';

/** Composition root: config → connections → app → listening service with an ordered shutdown. */
export async function startProjectService(config: ProjectConfig, logger?: Logger): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'project-service', config, dbName: config.MONGO_DB, logger });
  return listen(runtime, createApp(runtime), { port: config.PORT });
}

if (require.main === module) runService('project-service', () => startProjectService(loadConfig(projectConfigSchema)));

import { listen, loadConfig, openServiceRuntime, runService, type Logger, type RunningService } from '@playbook/shared';
import { createApp } from './app';
import { authConfigSchema, type AuthConfig } from './config';

/** Composition root: config → connections → app → listening service with an ordered shutdown. */
export async function startAuthService(config: AuthConfig, logger?: Logger): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'auth-service', config, dbName: config.MONGO_DB, logger });
  return listen(runtime, createApp(runtime), { port: config.PORT });
}

if (require.main === module) runService('auth-service', () => startAuthService(loadConfig(authConfigSchema)));

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { baseConfigSchema, ConfigError, envPort, loadConfig } from '@playbook/shared';

const schema = baseConfigSchema.extend({ PORT: envPort(8081) });

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(schema, {});
    expect(config.PORT).toBe(8081);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('rejects a bad variable with one line naming it and the value given', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty', MONGO_URL: 'postgres://x' })).toThrow(ConfigError);
    try {
      loadConfig(schema, { PORT: 'eighty' });
    } catch (error) {
      expect((error as Error).message).toMatch(/^Invalid configuration: PORT: .* \(got "eighty"\)$/);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('stops a service process with exit code 1 and one clear line on stderr', () => {
    const main = join(__dirname, '../../project-service/dist/main.js');
    const result = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH, PORT: '99999' }, encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT: /);
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { baseConfigSchema, ConfigError, envPort, loadConfig } from '@playbook/kit';
import { databaseConfigShape } from '@playbook/kit/mongo';
import { z } from 'zod';

const schema = baseConfigSchema.extend({ PORT: envPort(8081) });

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(schema, {});
    expect(config.PORT).toBe(8081);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('rejects a bad variable with one line naming it and the value given', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty', MONGO_URL: 'postgres://x' })).toThrow(ConfigError);
    // `$` without the m flag matches only at the very end, so a second line would fail the match.
    expect(() => loadConfig(schema, { PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT: [^\n]* \(got "eighty"\)$/);
  });

  it('names a bad secret without showing it, and masks the password of a bad URL', () => {
    const withSecrets = schema.extend({ ...databaseConfigShape('test'), API_TOKEN: z.string().min(40) });
    const message = (() => {
      try {
        loadConfig(withSecrets, { MONGO_URL: 'mongo://app:hunter2-secret@db:27017/test', API_TOKEN: 'short-but-secret' });
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(message).toContain('MONGO_URL: must be a mongodb:// or mongodb+srv:// URL (got "mongo://app:***@db:27017/test")');
    expect(message).toContain('API_TOKEN: Too small: expected string to have >=40 characters (got a value of 16 characters, not shown)');
    expect(message).not.toMatch(/hunter2|short-but-secret/);
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

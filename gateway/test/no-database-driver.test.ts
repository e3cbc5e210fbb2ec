import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The gateway keeps no data: its compiled modules must not load the database driver (a smaller image, less to patch). */
describe('the gateway process', () => {
  const loaded = (entry: string) =>
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((path) => /[\\/]node_modules[\\/]mongoose[\\/]/.test(path)).length))`], {
      cwd: resolve(__dirname, '..'),
      encoding: 'utf8',
    });

  it('never loads mongoose', () => {
    expect(loaded('./dist/main.js')).toBe('0');
  });

  it('is checked against a module that does (project-service)', () => {
    expect(Number(loaded('../project-service/dist/main.js'))).toBeGreaterThan(0);
  });
});

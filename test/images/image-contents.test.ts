import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICES } from '@playbook/contract';
import { STACK_SERVICES } from '../support/stack';
import { chartRuntimes } from './support/chart-runtime';
import { podman } from './support/podman-container';

const ROOT = resolve(__dirname, '../..');

/** What a service's image holds, looked at from inside (node in the image, as the chart's user, offline). */
const LOOK_INSIDE = `
const fs = require('node:fs');
const resolvable = (name, from) => { try { require.resolve(name, { paths: [from] }); return true; } catch { return false; } };
console.log(JSON.stringify({
  app: fs.readdirSync('/app').sort(),
  mongoose: fs.globSync('/app/**/node_modules/mongoose'),
  kitLoadsMongoose: resolvable('mongoose', '/app/kit'),
  devTools: ['typescript', 'jest', 'eslint'].filter((name) => resolvable(name, process.cwd())),
  chromium: fs.existsSync('/usr/lib/chromium/chromium-headless-shell'),
  cwd: process.cwd(),
  youngGenerationMb: (() => {
    // A rolling window of live objects: what survives scavenges makes V8 grow its young generation to its limit.
    const window = new Array(50000);
    for (let i = 0; i < 3000000; i++) window[i % window.length] = { i, text: 'item ' + i };
    return require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 2 ** 20;
  })(),
}));`;

interface Inside { app: string[]; mongoose: string[]; kitLoadsMongoose: boolean; devTools: string[]; chromium: boolean; cwd: string; youngGenerationMb: number }
interface ImageConfig { User: string; WorkingDir: string; Cmd: string[]; Entrypoint: string[]; ExposedPorts: Record<string, unknown>; Env: string[] }

const runtimes = chartRuntimes(STACK_SERVICES);

/** The images `npm run images` built from the one Dockerfile, one per row of the services table. */
describe.each(STACK_SERVICES)('the %s image', (folder) => {
  const runtime = runtimes.find((r) => r.service === folder)!;
  const row = SERVICES.find((service) => service.folder === folder)!;
  const dependencies = (JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  let inside: Inside;
  let config: ImageConfig;

  beforeAll(async () => {
    await podman(['image', 'exists', runtime.image]).catch(() => {
      throw new Error(`image ${runtime.image} is missing: run npm run images`);
    });
    const [inspected] = JSON.parse(await podman(['image', 'inspect', runtime.image])) as Array<{ Config: ImageConfig }>;
    config = inspected!.Config;
    const run = ['run', '--rm', '--pull=never', '--network=none', '--read-only', '--user', runtime.user, '--entrypoint', 'node', runtime.image];
    inside = JSON.parse(await podman([...run, '-e', LOOK_INSIDE], 120_000)) as Inside;
  }, 180_000);

  it('holds kit, contract and this service only, without dev tools', () => {
    expect(inside.app).toEqual(['contract', 'kit', 'node_modules', folder].sort());
    expect(inside.devTools).toEqual([]);
  });

  it(`carries mongoose only if ${folder} depends on it itself`, () => {
    const uses = 'mongoose' in dependencies;
    expect({ mongoose: inside.mongoose.length > 0, kitLoadsMongoose: inside.kitLoadsMongoose }).toEqual({ mongoose: uses, kitLoadsMongoose: uses });
  });

  it('starts the service\'s compiled main under tini as a numeric user, exposing its port from the services table', () => {
    expect(config.User).toBe('1000:1000');
    expect(config.Entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(config.WorkingDir).toBe(`/app/${folder}`);
    expect(inside.cwd).toBe(`/app/${folder}`);
    expect(config.Cmd).toEqual(['node', 'dist/main.js']);
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual([`${row.port}/tcp`]);
  });

  it(`runs node with the services table's NODE_OPTIONS for it (${row.nodeOptions || 'none'})`, () => {
    expect(config.Env).toContain(`NODE_OPTIONS=${row.nodeOptions}`);
    // Each semi-space of the young generation is at most --max-semi-space-size MB (V8 grows it to 64 MB otherwise).
    const semiSpaceMb = Number(/--max-semi-space-size=(\d+)/.exec(row.nodeOptions)?.[1] ?? Infinity);
    expect(inside.youngGenerationMb).toBeLessThanOrEqual(2 * semiSpaceMb);
  });

  it(folder === 'pdf-service' ? 'has Chromium' : 'has no Chromium', () => {
    expect(inside.chromium).toBe(folder === 'pdf-service');
  });
});

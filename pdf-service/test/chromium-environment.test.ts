import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { buildPlaybookDocument } from '../src/domain/document-model';
import { playbookRenderInput } from '../src/domain/playbook-template';
import { processTree } from '../../test/support/processes';
import { sampleSnapshot } from './support/sample-project';
import { createStandaloneRenderer } from './support/standalone-renderer';


/** A process's environment block as it is now, NUL-separated; undefined once it has exited. */
function environmentOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
}

const SECRETS: Record<string, string> = {
  MONGO_URL: 'mongodb://pdf:mongo-secret-4711@db.internal:27017/pdf',
  NATS_URL: 'nats://pdf:nats-secret-4712@nats.internal:4222',
  NATS_PASSWORD: 'nats-password-4713',
  NATS_CREDS_FILE: '/run/secrets/nats-creds-4714.creds',
  JWT_PRIVATE_KEY_PATH: '/run/secrets/jwt-private-key-4715.pem',
  SOME_API_TOKEN: 'api-token-4716',
};

describe('Chromium environment', () => {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('starts the browser and each of its processes without the service secrets from process.env', async () => {
    const { renderer } = createStandaloneRenderer();
    try {
      await renderer.render(playbookRenderInput(buildPlaybookDocument(sampleSnapshot())));
      const [browser] = renderer.browserPids();
      const environments = processTree([browser!])
        .map((pid) => ({ pid, environ: environmentOf(pid) }))
        .filter((process): process is { pid: number; environ: string } => process.environ !== undefined);
      // The browser, its zygotes, the renderer of the page and the utility processes.
      expect(environments.length).toBeGreaterThanOrEqual(4);
      for (const { pid, environ } of environments) {
        // The whole block, not only NAME=value pairs: zygotes and renderers write their process title over its start.
        const leaked = Object.entries(SECRETS).filter(([name, value]) => environ.includes(value) || environ.includes(`${name}=`));
        expect({ pid, leaked }).toEqual({ pid, leaked: [] });
      }
      const browserHome = /(?:^|\0)HOME=([^\0]*)/.exec(environments.find(({ pid }) => pid === browser)!.environ)?.[1];
      expect(browserHome).toMatch(/pdf-chromium-[^/]+\/home$/);
      expect(browserHome).not.toBe(homedir());
    } finally {
      await renderer.close();
    }
  }, 60_000);

  /** A process's niceness (field 19 of /proc/<pid>/stat, counted after the command's closing parenthesis). */
  const nicenessOf = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    } catch {
      return undefined;
    }
  };

  it('renders at CHROMIUM_NICENESS, below the service, in every process the browser starts and in the scheduling group of its session, and at 0 when told', async () => {
    const own = nicenessOf(process.pid) ?? 0;
    for (const niceness of [10, 0]) {
      const { renderer } = createStandaloneRenderer({ niceness });
      try {
        await renderer.render(playbookRenderInput(buildPlaybookDocument(sampleSnapshot())));
        const [browser] = renderer.browserPids();
        // The browser's own main thread (which renders nothing) raises itself where it may, i.e. as root, as here.
        const started = processTree([browser!]).filter((pid) => pid !== browser);
        const levels = started.map((pid) => ({ pid, niceness: nicenessOf(pid) })).filter((child) => child.niceness !== undefined);
        expect(levels.length).toBeGreaterThanOrEqual(3); // the zygotes and the page's renderer at least
        expect(levels).toEqual(levels.map(({ pid }) => ({ pid, niceness: own + niceness })));
        // In its own session, the browser is its own scheduling group where the kernel groups sessions: the group is niced too.
        if (existsSync('/proc/self/autogroup') && readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1') {
          expect(readFileSync(`/proc/${browser}/autogroup`, 'utf8')).toMatch(new RegExp(` nice ${niceness}\\n?$`));
        }
      } finally {
        await renderer.close();
      }
    }
  }, 90_000);
});

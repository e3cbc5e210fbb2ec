import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, renderChart } from './support/helm';
import { mainContainer, workloads } from './support/workloads';

/** No Docker engine here: the Dockerfiles are checked as text, instruction by instruction. */
interface Instruction { op: string; args: string }
function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const SERVICES = ['gateway', 'auth-service', 'project-service', 'pdf-service'];
let chart: ReturnType<typeof renderChart> | undefined;
const dockerfile = (service: string) => parseDockerfile(readFileSync(resolve(ROOT, service, 'Dockerfile'), 'utf8'));
const stages = (steps: Instruction[]) => steps.filter((s) => s.op === 'FROM');
const lastStage = (steps: Instruction[]) => steps.slice(steps.lastIndexOf(stages(steps).at(-1)!));

describe.each(SERVICES)('%s/Dockerfile', (service) => {
  const steps = dockerfile(service);
  const args = Object.fromEntries(steps.filter((s) => s.op === 'ARG').map((s) => s.args.split('=')));
  const image = (from: string) => (from.split(/\s+/)[0] ?? '').replace(/^\$\{(\w+)\}$/, (_m, name: string) => args[name] ?? '');

  it('builds in stages from a pinned Node LTS slim image', () => {
    const bases = stages(steps).map((s) => image(s.args)).filter((base) => !/^(build|deps)$/.test(base));
    expect(stages(steps).length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(/^node:(2[02468])\.\d+\.\d+-bookworm-slim$/);
  });

  it('installs only this workspace and shared, without dev dependencies, from the lock file', () => {
    const install = steps.find((s) => s.op === 'RUN' && s.args.includes('--omit=dev'))!.args;
    expect(install).toMatch(/npm ci --omit=dev --workspace shared --workspace \S+ --include-workspace-root=false/);
    expect(install).toContain(`--workspace ${service}`);
  });

  it('runs as a numeric non-root user under tini', () => {
    const runtime = lastStage(steps);
    const user = runtime.filter((s) => s.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.find((s) => s.op === 'ENTRYPOINT')?.args).toBe('["/usr/bin/tini", "--"]');
    expect(runtime.some((s) => s.op === 'RUN' && /apt-get install .*\btini\b/.test(s.args))).toBe(true);
    expect(runtime.find((s) => s.op === 'CMD')?.args).toBe(`["node", "${service}/dist/main.js"]`);
  });

  it('copies no secrets, env files or local state', () => {
    const copies = steps.filter((s) => s.op === 'COPY' || s.op === 'ADD');
    expect(steps.filter((s) => s.op === 'ADD')).toEqual([]);
    const sources = copies.flatMap((copy) => copy.args.split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1));
    expect(sources.filter((source) => /^\.?\/?$|\.env|\.pem|\.key|\.data|\.bin|secret/i.test(source))).toEqual([]);
    expect(steps.filter((s) => s.op === 'ENV' || s.op === 'ARG').map((s) => s.args).join(' ')).not.toMatch(/PASSWORD|SECRET|PRIVATE_KEY|TOKEN/i);
  });

  it('is health-checked by the chart probes (it has no HEALTHCHECK, which Kubernetes ignores)', () => {
    expect(steps.some((s) => s.op === 'HEALTHCHECK')).toBe(false);
    const deployment = workloads((chart ??= renderChart())).find((w) => w.manifest.metadata.name === `playbook-${service}`)!;
    const container = mainContainer(deployment.template);
    expect([container.readinessProbe?.httpGet?.path, container.livenessProbe?.httpGet?.path]).toEqual(['/readyz', '/healthz']);
  });
});

describe('pdf-service/Dockerfile', () => {
  const runtime = lastStage(dockerfile('pdf-service'));
  const install = runtime.find((s) => s.op === 'RUN' && s.args.includes('apt-get install'))!.args;

  it('installs a pinned Debian Chromium and fonts for Latin, CJK, RTL and emoji in the runtime image', () => {
    for (const pkg of ['tini', 'fonts-noto-core', 'fonts-noto-cjk', 'fonts-noto-color-emoji']) expect(install.split(/\s+/)).toContain(pkg);
    expect(runtime.find((s) => s.op === 'ARG')?.args).toMatch(/^CHROMIUM_VERSION=\d+\.\d+\.\d+\.\d+-\S+$/);
    expect(install).toContain('"chromium=$CHROMIUM_VERSION" "chromium-common=$CHROMIUM_VERSION"');
    expect(runtime.find((s) => s.op === 'ENV')?.args).toContain('CHROMIUM_PATH=/usr/bin/chromium');
  });

  it('leaves the GPU drivers and LLVM out of the image', () => {
    for (const path of ['/usr/lib/*/dri/*', '/usr/lib/*/libLLVM-*']) expect(install).toContain(`'path-exclude=${path}'`);
    expect(install).toContain('>/etc/dpkg/dpkg.cfg.d/');
  });
});

describe('the four Dockerfiles', () => {
  const all = SERVICES.map(dockerfile);

  it('share one dependency install for the build stage, so one cached layer serves every build', () => {
    const upToInstall = (steps: Instruction[]) => steps.slice(0, steps.findIndex((s) => s.op === 'RUN' && s.args.startsWith('npm ci')) + 1);
    const [first, ...others] = all.map(upToInstall);
    expect(first!.at(-1)!.args).not.toMatch(/--workspace|--omit/);
    for (const other of others) expect(other).toEqual(first);
  });

  it('take a CA bundle for npm in the build stages only, never into the runtime image', () => {
    for (const steps of all) {
      expect(lastStage(steps).filter((s) => /NODE_EXTRA_CA_CERTS/.test(s.args))).toEqual([]);
      expect(steps.filter((s) => s.op === 'COPY' && /ca-certificates|\.crt/.test(s.args))).toEqual([]);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local state and build output out of the build context', () => {
    const lines = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.env', '.env.*', '.data', '.bin', '.git', '**/*.pem']));
  });
});

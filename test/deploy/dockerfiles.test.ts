import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SERVICES } from '@playbook/contract';
import { ROOT, renderChart } from './support/helm';
import { mainContainer, workloads } from './support/workloads';

/** No Docker engine here: the Dockerfile is checked as text, instruction by instruction, stage by stage. */
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

interface Stage { name: string; from: string; steps: Instruction[] }
/** The stages in order, each with its base (a global ARG resolved) and its instructions after FROM. */
function stagesOf(steps: Instruction[]): Stage[] {
  const firstFrom = steps.findIndex((s) => s.op === 'FROM');
  const globalArgs = Object.fromEntries(steps.slice(0, firstFrom).filter((s) => s.op === 'ARG').map((s) => s.args.split('=')));
  const stages: Stage[] = [];
  for (const step of steps.slice(firstFrom)) {
    if (step.op !== 'FROM') {
      stages.at(-1)!.steps.push(step);
      continue;
    }
    const [base = '', , name = ''] = step.args.split(/\s+/);
    stages.push({ name, from: base.replace(/^\$\{(\w+)\}$/, (_m, arg: string) => globalArgs[arg] ?? ''), steps: [] });
  }
  return stages;
}

const steps = parseDockerfile(readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8'));
const stages = stagesOf(steps);
const stage = (name: string) => stages.find((s) => s.name === name)!;
const TARGETS = ['node-service', 'pdf-service'];
/** The stage's own instructions up to the first that mentions SERVICE (what every service's build shares). */
const upToService = (instructions: Instruction[]) => instructions.slice(0, instructions.findIndex((s) => /\bSERVICE\b/.test(s.args)));
let chart: ReturnType<typeof renderChart> | undefined;

describe('the Dockerfile', () => {
  it('builds in stages from a pinned Node LTS slim image', () => {
    const names = stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['build', 'deps', ...TARGETS]));
    for (const { from } of stages.filter((s) => !names.includes(s.from) && s.from !== 'scratch')) {
      expect(from).toMatch(/^node:(2[02468])\.\d+\.\d+-bookworm-slim$/);
    }
  });

  it('installs every workspace\'s dependencies in the build stage before it knows the service, so one cached layer serves every build', () => {
    const shared = upToService(stage('build').steps);
    const install = shared.filter((s) => s.op === 'RUN' && s.args.startsWith('npm ci'));
    expect(install).toHaveLength(1);
    expect(install[0]!.args).not.toMatch(/--workspace|--omit/);
    const workspaces = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    expect(workspaces).toEqual(expect.arrayContaining(['kit', 'contract', ...SERVICES.map((s) => s.folder)]));
    const manifests = shared.filter((s) => s.op === 'COPY').map((s) => s.args);
    for (const workspace of workspaces) expect(manifests).toContain(`${workspace}/package.json ${workspace}/`);
  });

  it('installs only the production dependencies of kit, contract and the service, from the lock file', () => {
    const install = stage('deps').steps.find((s) => s.op === 'RUN' && s.args.includes('npm ci'))!.args;
    expect(install).toMatch(/npm ci --omit=dev\b/);
    expect(install).not.toContain('--workspace');
    // Only these three workspaces: kit's optional peer (mongoose) then comes only with a service that depends on it
    // itself (test/images looks inside the images).
    expect(install).toContain('npm pkg delete devDependencies workspaces && npm pkg set "workspaces[]=kit" "workspaces[]=contract" "workspaces[]=$SERVICE" && npm ci');
  });

  it('checks that SERVICE names a workspace before it copies the service\'s folder', () => {
    const build = stage('build').steps;
    const check = build.findIndex((s) => s.op === 'RUN' && s.args.includes('test -f "$SERVICE/package.json"'));
    expect(check).toBeGreaterThan(-1);
    expect(check).toBeLessThan(build.findIndex((s) => s.op === 'COPY' && s.args.startsWith('${SERVICE}/')));
  });

  it('copies no secrets, env files or local state', () => {
    const copies = steps.filter((s) => s.op === 'COPY' || s.op === 'ADD');
    expect(steps.filter((s) => s.op === 'ADD')).toEqual([]);
    const sources = copies.flatMap((copy) => copy.args.split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1));
    expect(sources.filter((source) => /^\.?\/?$|\.env|\.pem|\.key|\.data|\.bin|secret/i.test(source))).toEqual([]);
    expect(steps.filter((s) => s.op === 'ENV' || s.op === 'ARG').map((s) => s.args).join(' ')).not.toMatch(/PASSWORD|SECRET|PRIVATE_KEY|TOKEN/i);
  });

  it('has no HEALTHCHECK (Kubernetes ignores it; the chart probes instead)', () => {
    expect(steps.some((s) => s.op === 'HEALTHCHECK')).toBe(false);
  });
});

describe.each(TARGETS)('the %s target', (target) => {
  const runtime = stage(target);

  it('is a Node image of its own, not built on the build stages', () => {
    expect(runtime.from).toMatch(/^node:/);
    expect(runtime.steps.filter((s) => s.op === 'COPY').map((s) => s.args)).toEqual(['--from=app /app /app/']);
  });

  it('runs the service\'s compiled main as a numeric non-root user under tini', () => {
    const user = runtime.steps.filter((s) => s.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.steps.find((s) => s.op === 'ENTRYPOINT')?.args).toBe('["/usr/bin/tini", "--"]');
    expect(runtime.steps.some((s) => s.op === 'RUN' && /apt-get install .*\btini\b/.test(s.args))).toBe(true);
    expect(runtime.steps.filter((s) => s.op === 'WORKDIR').at(-1)?.args).toBe('/app/${SERVICE}');
    expect(runtime.steps.find((s) => s.op === 'CMD')?.args).toBe('["node", "dist/main.js"]');
  });

  it('takes no CA bundle and no compiler: those stay in the build stages', () => {
    expect(runtime.steps.filter((s) => /NODE_EXTRA_CA_CERTS|ca-certificates|\.crt/.test(s.args))).toEqual([]);
    expect(runtime.steps.filter((s) => /\btsc\b|npm ci/.test(s.args))).toEqual([]);
  });
});

describe('the app stage the targets copy', () => {
  const app = stage('app');

  it('starts from scratch and holds only kit, contract and the service: manifests, compiled code, production dependencies', () => {
    expect(app.from).toBe('scratch');
    const copied = app.steps.filter((s) => s.op === 'COPY').map((s) => s.args.split(/\s+/).at(-2)!);
    for (const workspace of ['kit', 'contract', '${SERVICE}']) {
      for (const part of ['package.json', 'dist', 'node_modules']) expect(copied).toContain(`/app/${workspace}/${part}`);
    }
    expect(copied.filter((source) => !/^\/app\/(kit|contract|\$\{SERVICE\})\/(package\.json|dist|node_modules)$/.test(source))).toEqual(['/app/node_modules']);
  });
});

describe('the pdf-service target', () => {
  const runtime = stage('pdf-service');
  const install = runtime.steps.find((s) => s.op === 'RUN' && s.args.includes('apt-get install'))!.args;

  it('installs a pinned Debian Chromium headless shell and fonts for Latin, CJK, RTL and emoji', () => {
    for (const pkg of ['tini', 'fonts-noto-core', 'fonts-noto-cjk', 'fonts-noto-color-emoji']) expect(install.split(/\s+/)).toContain(pkg);
    expect(runtime.steps.find((s) => s.op === 'ARG')?.args).toMatch(/^CHROMIUM_VERSION=\d+\.\d+\.\d+\.\d+-\S+$/);
    expect(install).toContain('"chromium-headless-shell=$CHROMIUM_VERSION" "chromium-common=$CHROMIUM_VERSION"');
    expect(runtime.steps.find((s) => s.op === 'ENV')?.args).toContain('CHROMIUM_PATH=/usr/lib/chromium/chromium-headless-shell');
  });

  it('leaves the GPU drivers and LLVM out of the image', () => {
    for (const path of ['/usr/lib/*/dri/*', '/usr/lib/*/libLLVM-*']) expect(install).toContain(`'path-exclude=${path}'`);
    expect(install).toContain('>/etc/dpkg/dpkg.cfg.d/');
  });

  it('installs Chromium before it copies the service, so a code change reuses the Chromium layer', () => {
    const chromium = runtime.steps.findIndex((s) => s.op === 'RUN' && s.args.includes('chromium'));
    expect(chromium).toBeLessThan(runtime.steps.findIndex((s) => s.op === 'COPY'));
  });

  it('is the only target with Chromium', () => {
    expect(stages.filter((s) => s.steps.some((step) => /chromium/i.test(step.args))).map((s) => s.name)).toEqual(['pdf-service']);
  });
});

describe.each(SERVICES.map((s) => s.folder))('the %s image', (folder) => {
  it('is health-checked by the chart probes', () => {
    const deployment = workloads((chart ??= renderChart())).find((w) => w.manifest.metadata.name === `playbook-${folder}`)!;
    const container = mainContainer(deployment.template);
    expect([container.readinessProbe?.httpGet?.path, container.livenessProbe?.httpGet?.path]).toEqual(['/readyz', '/healthz']);
  });
});

describe('scripts/images.sh', () => {
  const script = readFileSync(resolve(ROOT, 'scripts/images.sh'), 'utf8');

  it('builds one image per row of the services table, each with its folder, port and target', () => {
    expect(script).toContain('mapfile -t SERVICE_ROWS < <(service_rows folder port)');
    // What the script's rows are, read the way it reads them (scripts/lib.sh).
    const rows = execFileSync('bash', ['-c', 'source scripts/lib.sh && service_rows folder port'], { cwd: ROOT, encoding: 'utf8' });
    expect(rows.trim().split('\n')).toEqual(SERVICES.map((service) => `${service.folder} ${service.port}`));
    expect(script).toContain('-f Dockerfile');
    expect(script).toMatch(/--target "\$\(target_of "\$service"\)" --build-arg "SERVICE=\$service" --build-arg "SERVICE_PORT=\$2"/);
  });

  it('builds pdf-service as the only image with Chromium', () => {
    expect(script).toContain('target_of() { [ "$1" = pdf-service ] && echo pdf-service || echo node-service; }');
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local state and build output out of the build context', () => {
    const lines = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.env', '.env.*', '.data', '.bin', '.git', '**/*.pem']));
  });
});

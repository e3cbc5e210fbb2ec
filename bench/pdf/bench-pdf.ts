/**
 * PDF benchmark, one run: raw puppeteer on the same HTML (reused page / new page per document),
 * the service's render engine, POST /api/generate-pdf uncached and cached (through the gateway and
 * straight to pdf-service), throughput with 2 and 4 clients with the CPU each process spent a document, and
 * pdf-service + Chromium memory (PSS).
 * Services run as child processes from their compiled dist/ (npx tsc -b first).
 *
 *   npx tsx bench/pdf/bench-pdf.ts [--renders 30] [--docs 90] [--soak 1000] [--fill 0] [--no-write]
 *   --fill N first fills project-service's database to N projects × 100 answers (bench/support/fill.ts).
 *   BENCH_PDF_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=.run/prof" profiles the pdf-service process (beside the
 *   services table's NODE_OPTIONS for it).
 *   BENCH_CHROMIUM_PATH=/usr/bin/chromium runs another browser binary (raw puppeteer, the engine and the service
 *   alike); BENCH_PDF_ENV="PDF_PAGE_MAX_RENDERS=20 …" adds variables to pdf-service's environment.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { PROJECT_SNAPSHOT_SUBJECT, projectSnapshotSchema, SERVICES, type ServiceFolder } from '@playbook/contract';
import { createLogger } from '@playbook/kit';
import { connectNats, natsRequest } from '@playbook/kit/nats';
import { buildPlaybookDocument } from '../../pdf-service/src/domain/document-model';
import { playbookRenderInput } from '../../pdf-service/src/domain/playbook-template';
import { DEFAULT_CHROMIUM_PATH, launchChromium } from '../../pdf-service/src/rendering/chromium-launch';
import { sampleResponses } from '../../pdf-service/test/support/sample-project';
import { createStandaloneRenderer } from '../../pdf-service/test/support/standalone-renderer';
import { startEmbeddedDb } from '../../test/support/embedded-db';
import { answers } from '../../test/system/support/api-client';
import { startNatsServer } from '../../test/support/nats-server';
import { freePort, processTree, startProcess, type StartedProcess } from '../../test/support/processes';
import { createTestTokenIssuer } from '../../test/support/test-tokens';
import type { Page } from 'puppeteer-core';
import { MongoClient, ObjectId } from 'mongodb';
import { FILLED_ANSWERS, fillLike, fillerAnswer } from '../support/fill';
import { percentile, processCpuMs, processTreeMemoryMb, timeEach } from '../support/measure';

const ROOT = resolve(__dirname, '../..');
const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const RENDERS = arg('renders', 30);
// 30 documents a round: with 8 (the default until 2026-12-04) one run differed from the next by ±6 points.
const DOCS = arg('docs', 90);
const SOAK = arg('soak', 1000);
const FILL = arg('fill', 0);
const WRITE = !process.argv.includes('--no-write');
const CHROMIUM = process.env.BENCH_CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
/** Extra pdf-service variables from BENCH_PDF_ENV ("NAME=value NAME=value"). */
const PDF_ENV = Object.fromEntries((process.env.BENCH_PDF_ENV ?? '').split(' ').filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));

const ms = (value: number) => `${value.toFixed(value < 20 ? 1 : 0)} ms`;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Runs `total` jobs with `clients` loops pulling from one counter; documents per second. */
async function throughput(clients: number, total: number, job: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** Runs `use` with an item taken from `pool` and put back afterwards: concurrent clients never share one. */
async function withFree<T, R>(pool: T[], use: (item: T) => Promise<R>): Promise<R> {
  const item = pool.pop();
  if (item === undefined) throw new Error('more concurrent clients than items in the pool');
  try {
    return await use(item);
  } finally {
    pool.push(item);
  }
}

/** Proportional set size of a process and all its descendants (Chromium's renderers, zygotes…), in MB. */
const treePssMb = (rootPid: number) => processTreeMemoryMb([rootPid]).pss;

async function waitReady(url: string, proc: StartedProcess, name: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (proc.child.exitCode !== null) throw new Error(`${name} exited:\n${proc.output()}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error(`${name} not ready:\n${proc.output()}`);
}

/** What must be stopped even when the run fails: child processes, NATS and the database. */
const cleanups: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  log('building services…');
  execFileSync('npx', ['tsc', '-b', 'pdf-service', 'project-service'], { cwd: ROOT, stdio: 'inherit' });
  let gatewayBuilt = true;
  try {
    execFileSync('npx', ['tsc', '-b', 'gateway'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    gatewayBuilt = false;
    log('gateway does not build: its rows are skipped');
  }

  const natsServer = await startNatsServer();
  cleanups.push(() => natsServer.destroy());
  const db = await startEmbeddedDb();
  cleanups.push(() => db.destroy());
  const quiet = createLogger({ service: 'bench', level: 'error' });
  const nats = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'bench', logger: quiet });
  const tokens = await createTestTokenIssuer(nats);
  // Test tokens live 15 minutes; a long soak outlives one.
  let token = tokens.tokenFor('bench-user');
  const tokenRefresh = setInterval(() => (token = tokens.tokenFor('bench-user')), 10 * 60 * 1000);
  tokenRefresh.unref();
  const [projectPort, pdfPort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort()]);
  // METRICS_PORT of this shell would be one port for every service started here: each keeps metrics on its own port.
  const { METRICS_PORT: _ownShellsOnly, ...shell } = process.env;
  const common = { ...shell, NODE_ENV: 'production', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', MONGO_URL: db.url };
  const children: StartedProcess[] = [];
  /** Starts `<folder>/dist/main.js` with the services table's NODE_OPTIONS for it, and `extraNodeOptions`. */
  const spawnService = (folder: ServiceFolder, env: Record<string, string>, extraNodeOptions = '') => {
    const NODE_OPTIONS = [SERVICES.find((service) => service.folder === folder)!.nodeOptions, extraNodeOptions].filter(Boolean).join(' ');
    const child = startProcess(process.execPath, [resolve(ROOT, folder, 'dist/main.js')], { ...common, ...env, NODE_OPTIONS });
    children.push(child);
    cleanups.push(() => child.stop('SIGKILL'));
    return child;
  };
  // One user owns every project of the run (a --docs run of hundreds), so the per-user project limit is lifted.
  const projectProc = spawnService('project-service', { ...natsServer.env('project-service'), PORT: String(projectPort), MONGO_DB: 'bench_projects', MAX_PROJECTS_PER_USER: '100000' });
  // One user drives every client, so the per-user job limit (a fairness limit between users) is lifted.
  const pdfProc = spawnService('pdf-service', { ...natsServer.env('pdf-service'), PORT: String(pdfPort), MONGO_DB: 'bench_pdf', PDF_PAGE_POOL_SIZE: '2', PDF_JOB_QUEUE_LIMIT: '1000', PDF_JOBS_PER_USER: '1000', CHROMIUM_PATH: CHROMIUM, LOG_LEVEL: process.env.BENCH_PDF_LOG_LEVEL ?? 'warn', ...PDF_ENV }, process.env.BENCH_PDF_NODE_OPTIONS);
  const projectUrl = `http://127.0.0.1:${projectPort}`;
  const pdfUrl = `http://127.0.0.1:${pdfPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  await waitReady(projectUrl, projectProc, 'project-service');
  await waitReady(pdfUrl, pdfProc, 'pdf-service');
  let gatewayProc: StartedProcess | undefined;
  if (gatewayBuilt) {
    gatewayProc = spawnService('gateway', {
      ...natsServer.env('gateway'),
      PORT: String(gatewayPort),
      NODE_ENV: 'development',
      PROJECT_SERVICE_URL: projectUrl,
      PDF_SERVICE_URL: pdfUrl,
      AUTH_SERVICE_URL: 'http://127.0.0.1:9',
      RATE_LIMIT_ENABLED: 'false',
    });
    await waitReady(gatewayUrl, gatewayProc, 'gateway').catch((error: Error) => {
      gatewayBuilt = false;
      log(`gateway not ready, its rows are skipped: ${error.message.split('\n')[0]}`);
    });
  }

  const api = (base: string, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const createProject = async (name: string, responses = sampleResponses()) => {
    const created = await api(projectUrl, 'POST', '/api/projects', { name, description: 'Benchmark project' });
    if (created.status !== 201) throw new Error(`creating a project: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const saved = await api(projectUrl, 'PUT', `/api/projects/${id}/responses`, { responses });
    if (!saved.ok) throw new Error(`saving answers: ${saved.status}`);
    return id;
  };
  let edits = 0;
  /** Changes one answer, so the next PDF of the project is a new one (its cache key changes with the content). */
  const touch = async (projectId: string) => {
    const saved = await api(projectUrl, 'PUT', `/api/projects/${projectId}/responses`, { responses: [{ fieldId: sampleResponses(1)[0]!.fieldId, value: `Edit ${(edits += 1)}` }] });
    if (saved.status !== 200) throw new Error(`changing an answer: ${saved.status} ${await saved.text()}`);
  };
  /** pdf-service's count of PDF requests by cache result (hit: served from the store, miss: rendered). */
  const cacheCount = async (result: 'hit' | 'miss') => {
    const text = await (await fetch(`${pdfUrl}/metrics`)).text();
    return Number(new RegExp(`^pdf_cache_requests_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  const generate = async (base: string, projectId: string) => {
    const response = await api(base, 'POST', '/api/generate-pdf', { project_id: projectId });
    const bytes = (await response.arrayBuffer()).byteLength;
    if (response.status !== 200 || response.headers.get('content-type') !== 'application/pdf') throw new Error(`generate-pdf: ${response.status}`);
    return bytes;
  };

  // The same HTML the service renders for the typical project.
  const projectId = await createProject('Library welcome — Bibliothèque municipale');
  const snapshot = await natsRequest(nats, { subject: PROJECT_SNAPSHOT_SUBJECT, payload: { projectId, ownerId: 'bench-user' }, responseSchema: projectSnapshotSchema, timeoutMs: 5000 });
  const doc = buildPlaybookDocument(snapshot);
  const input = playbookRenderInput(doc);
  const pdfOptions = {
    format: 'A4' as const,
    preferCSSPageSize: true,
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: input.headerTemplate,
    footerTemplate: input.footerTemplate,
    margin: { top: '20mm', right: '17mm', bottom: '18mm', left: '17mm' },
    outline: true,
    tagged: true,
  };
  // The baseline is Chromium as puppeteer starts it, at the bench's own priority (the service lowers its Chromium's).
  const raw = await launchChromium(CHROMIUM, 0);
  cleanups.push(() => raw.dispose());
  const openPage = async () => {
    const page = await raw.browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => void request.abort('blockedbyclient').catch(() => undefined));
    return page;
  };
  const renderRaw = async (page: Page) => {
    await page.setContent(input.html, { waitUntil: 'load' });
    return page.pdf(pdfOptions);
  };

  const results: Array<[string, string]> = [['machine load average (1 min) at the start of the run', loadavg()[0]!.toFixed(1)]];
  // Sampled for the whole run, so the peak reported is the peak of every phase, the soak's included.
  let peakPss = 0;
  const sampler = setInterval(() => (peakPss = Math.max(peakPss, treePssMb(pdfProc.child.pid!))), 100);
  cleanups.push(async () => clearInterval(sampler));
  const row = (name: string, value: string) => {
    results.push([name, value]);
    log(`${name.padEnd(62)} ${value}`);
  };
  if (FILL > 0) {
    // Copies of a project of 100 answers, some of them the bench user's own; one is read back as a check.
    const template = await createProject('Filled project', answers(FILLED_ANSWERS, fillerAnswer));
    const client = await MongoClient.connect(db.url);
    const filled = await fillLike(client.db('bench_projects'), new ObjectId(template), 'bench-user', FILL).finally(() => client.close());
    const listed = (await (await api(projectUrl, 'GET', '/api/projects?limit=100')).json()) as { items: Array<{ id: string; name: string }> };
    const copy = listed.items.find((item) => item.id !== template && item.name.startsWith('Filled project'));
    const stored = copy ? ((await (await api(projectUrl, 'GET', `/api/projects/${copy.id}/responses`)).json()) as { items: unknown[] }).items : [];
    if (stored.length !== FILLED_ANSWERS) throw new Error(`a filled project reads back ${stored.length} answers, not ${FILLED_ANSWERS}: the fill missed the storage format`);
    row('database filled to (projects × answers) before measuring', `${FILL} × ${FILLED_ANSWERS} in ${(filled.ms / 1000).toFixed(1)} s`);
  }
  const snapshotTimes = await timeEach(30, () =>
    natsRequest(nats, { subject: PROJECT_SNAPSHOT_SUBJECT, payload: { projectId, ownerId: 'bench-user' }, responseSchema: projectSnapshotSchema, timeoutMs: 5000 }),
  );
  row('for reference: project.v1.snapshot.get round trip p50', ms(percentile(snapshotTimes, 50)));

  const reused = await openPage();
  const samplePdf = await renderRaw(reused);
  const pages = (Buffer.from(samplePdf).toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
  log(`document: ${pages} pages, ${samplePdf.length} bytes, ${doc.fieldCount} fields, ${doc.answeredCount} answered`);
  // Latency: one sample of each kind per round, so every kind sees the same load on a shared machine.
  const { renderer: engine } = createStandaloneRenderer({ executablePath: CHROMIUM });
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  /** One render that provably missed the cache: pdf-service counted exactly one more miss for it. */
  const uncachedOnce = async (base: string) => {
    await touch(projectId);
    const missesBefore = await cacheCount('miss');
    const ms = await timed(() => generate(base, projectId));
    if ((await cacheCount('miss')) !== missesBefore + 1) throw new Error('an "uncached" sample was served from the cache');
    return ms;
  };
  const series: Record<'rawReused' | 'rawNew' | 'engine' | 'direct' | 'gateway', number[]> = { rawReused: [], rawNew: [], engine: [], direct: [], gateway: [] };
  for (let round = -2; round < RENDERS; round += 1) {
    const samples = {
      rawReused: await timed(() => renderRaw(reused)),
      rawNew: await timed(async () => {
        const page = await openPage();
        await renderRaw(page);
        await page.close();
      }),
      engine: await timed(() => engine.render(input)),
      direct: await uncachedOnce(pdfUrl),
      gateway: gatewayBuilt ? await uncachedOnce(gatewayUrl) : NaN,
    };
    if (round < 0) continue; // warm-up rounds
    for (const [kind, value] of Object.entries(samples)) series[kind as keyof typeof series].push(value);
  }
  await engine.close();
  const rawP50 = percentile(series.rawReused, 50);
  const summary = (values: number[], target = '') => `${ms(percentile(values, 50))} / ${ms(percentile(values, 90))} (${(percentile(values, 50) / rawP50).toFixed(2)}× raw reused${target})`;
  row('raw puppeteer, reused page: p50 / p90', summary(series.rawReused));
  row('raw puppeteer, new page per document: p50 / p90', summary(series.rawNew));
  row("service's render engine (PdfRenderer, pooled page): p50 / p90", summary(series.engine));
  row('POST /api/generate-pdf uncached, straight to pdf-service: p50 / p90', summary(series.direct));
  if (gatewayBuilt) row('POST /api/generate-pdf uncached, through the gateway: p50 / p90', summary(series.gateway, '; target ≤ 1.2×'));

  const cachedBase = gatewayBuilt ? gatewayUrl : pdfUrl;
  await generate(cachedBase, projectId);
  const hitsBefore = await cacheCount('hit');
  const cached = await timeEach(Math.max(RENDERS, 50), () => generate(cachedBase, projectId));
  if ((await cacheCount('hit')) - hitsBefore !== cached.length) throw new Error('a "cached" sample was rendered');
  row(`POST /api/generate-pdf cached, ${gatewayBuilt ? 'through the gateway' : 'straight to pdf-service'}: p50 / p90`, `${ms(percentile(cached, 50))} / ${ms(percentile(cached, 90))} (target ≤ 15 ms)`);

  // Throughput in alternating rounds: raw puppeteer with 2 pages flat out, the service (pool of 2 pages) with 2 and 4 clients.
  const freeRawPages = [reused, await openPage()];
  const ROUNDS = 3;
  const perRound = Math.max(2, Math.ceil(DOCS / ROUNDS));
  const projectsFor: Record<number, string[]> = { 2: [], 4: [] };
  for (const clients of [2, 4]) for (let index = 0; index < perRound * ROUNDS; index += 1) projectsFor[clients]!.push(await createProject(`Throughput ${clients}-${index}`));
  const elapsed: Record<string, number> = { raw: 0, 2: 0, 4: 0 };
  // Where the CPU of the throughput runs goes, by process: what the service spends beside Chromium is what it competes with.
  const pdfPid = pdfProc.child.pid!;
  const cpuParts = (): Record<string, number> => ({
    'Chromium (raw puppeteer)': processCpuMs(processTree([raw.pid!])),
    'this bench (its clients, raw puppeteer, PSS sampling)': processCpuMs([process.pid]),
    'Chromium (pdf-service)': processCpuMs(processTree([pdfPid]).filter((pid) => pid !== pdfPid)),
    'pdf-service': processCpuMs([pdfPid]),
    gateway: processCpuMs(gatewayProc?.child.pid ? [gatewayProc.child.pid] : []),
    'project-service': processCpuMs([projectProc.child.pid!]),
    'nats-server': processCpuMs([natsServer.pid()!]),
    database: processCpuMs(processTree([db.pid()!])),
  });
  const cpu: Record<string, Record<string, number>> = { raw: {}, 2: {}, 4: {} };
  const measured = async (key: string, run: () => Promise<number>) => {
    const before = cpuParts();
    const rate = await run();
    for (const [part, ms] of Object.entries(cpuParts())) cpu[key]![part] = (cpu[key]![part] ?? 0) + ms - before[part]!;
    elapsed[key]! += perRound / rate;
  };
  const missesBefore = await cacheCount('miss');
  for (let round = 0; round < ROUNDS; round += 1) {
    await measured('raw', () => throughput(2, perRound, () => withFree(freeRawPages, renderRaw)));
    for (const clients of [2, 4]) {
      const batch = projectsFor[clients]!.slice(round * perRound, (round + 1) * perRound);
      await measured(String(clients), () => throughput(clients, perRound, (index) => generate(cachedBase, batch[index]!)));
    }
  }
  if ((await cacheCount('miss')) - missesBefore !== perRound * ROUNDS * 2) throw new Error('a throughput render was served from the cache');
  const rate = (key: string) => (perRound * ROUNDS) / elapsed[key]!;
  row('throughput, raw puppeteer with 2 pages', `${rate('raw').toFixed(2)} docs/s`);
  for (const clients of [2, 4]) {
    row(`throughput, ${clients} clients, uncached generate-pdf (pool of 2 pages)`, `${rate(String(clients)).toFixed(2)} docs/s (${((rate(String(clients)) / rate('raw')) * 100).toFixed(0)}% of raw; target ≥ 85%)`);
  }
  for (const key of ['raw', '2', '4']) {
    const perDoc = Object.entries(cpu[key]!).filter(([, ms]) => ms > 0).map(([part, ms]) => `${part} ${(ms / (perRound * ROUNDS)).toFixed(1)}`);
    const total = Object.values(cpu[key]!).reduce((sum, ms) => sum + ms, 0) / (perRound * ROUNDS);
    row(`CPU ms a document, ${key === 'raw' ? 'raw puppeteer' : `${key} clients`}: ${total.toFixed(0)}`, perDoc.join(' · '));
  }
  row('pdf-service + Chromium PSS, peak so far (latency, cached and throughput runs)', `${peakPss.toFixed(0)} MB (target ≤ 600 MB)`);
  const documentFacts = { pages, bytes: samplePdf.length, fields: doc.fieldCount, answered: doc.answeredCount };
  if (WRITE) writeResults(results, documentFacts);

  // Soak: SOAK uncached renders with 2 clients, PSS sampled as it goes (Chromium is replaced every 500 renders).
  if (SOAK > 0) {
    const soakProjects = [await createProject('Soak A'), await createProject('Soak B')];
    const samples: Array<[number, number]> = [];
    let done = 0;
    await throughput(2, SOAK, async () => {
      await withFree(soakProjects, async (project) => {
        await touch(project);
        await generate(pdfUrl, project);
      });
      done += 1;
      if (done % Math.max(1, Math.floor(SOAK / 10)) === 0) {
        samples.push([done, treePssMb(pdfProc.child.pid!)]);
        // Written as it goes, so a long soak leaves its samples even if it is stopped.
        if (WRITE) writeResults([...results, [`PSS during the ${SOAK}-render soak (so far)`, samples.map(([n, mb]) => `${n}: ${mb.toFixed(0)}`).join(', ') + ' MB']], documentFacts);
      }
    });
    const first = samples[0]?.[1] ?? 0;
    const last = samples.at(-1)?.[1] ?? 0;
    row(`PSS over ${SOAK} uncached renders (sampled every ${Math.floor(SOAK / 10)})`, samples.map(([n, mb]) => `${n}: ${mb.toFixed(0)}`).join(', ') + ' MB');
    row('PSS growth, first sample → last', `${(last - first).toFixed(0)} MB`);
  }
  clearInterval(sampler);
  row('pdf-service + Chromium PSS, peak of the whole run (every 100 ms)', `${peakPss.toFixed(0)} MB (target ≤ 600 MB)`);

  if (process.env.BENCH_PDF_LOG_LEVEL) writeFileSync(resolve(ROOT, '.run/bench-pdf-service.log'), pdfProc.output());
  await raw.dispose();
  for (const child of children.reverse()) await child.stop('SIGTERM');
  tokens.stop();
  await nats.drain();
  await db.destroy();
  await natsServer.destroy();

  row('machine load average (1 min) at the end of the run', loadavg()[0]!.toFixed(1));
  if (WRITE) writeResults(results, documentFacts);
}

function writeResults(results: Array<[string, string]>, document: { pages: number; bytes: number; fields: number; answered: number }): void {
  const file = resolve(ROOT, 'docs/benchmarks.md');
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ${execFileSync(CHROMIUM, ['--version']).toString().trim()}`;
  const section = [
    '<!-- pdf-bench:start -->',
    '## PDF rendering (pdf-service)',
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}, with \`npx tsx bench/pdf/bench-pdf.ts\`.`,
    `Document: the typical playbook (${document.answered} of ${document.fields} fields answered), ${document.pages} A4 pages, ${(document.bytes / 1024).toFixed(0)} KB.`,
    'Services ran as separate processes (NODE_ENV=production, pool of 2 pages) against nats-server and the embedded FerretDB; the machine was shared with other work, so expect noise.',
    '',
    '| measurement | result |',
    '|---|---|',
    ...results.map(([name, value]) => `| ${name} | ${value} |`),
    '<!-- pdf-bench:end -->',
  ].join('\n');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const updated = existing.includes('<!-- pdf-bench:start -->')
    ? existing.replace(/<!-- pdf-bench:start -->[\s\S]*<!-- pdf-bench:end -->/, section)
    : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, updated);
  log(`written to ${file}`);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  process.exit(1);
});

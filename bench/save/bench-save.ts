/**
 * Save benchmark, one run, side by side: PUT of 1 / 25 / 106 answers through the gateway against the same
 * data written by the raw mongodb driver as ONE `$set` of 1 / 25 / 106 paths on one document by `_id` (the
 * baseline), and the hot reads through the gateway (list, one project, its answers) — first with one project
 * stored, then again with the database filled to N projects × 100 answers, so a path that slows as the data
 * grows shows. The whole stack runs as separate processes on the embedded database (test/support/stack.ts).
 *
 *   npx tsx bench/save/bench-save.ts [projects, default 1000] [--samples 30] [--no-write]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { startStack, type TestStack } from '../../test/support/stack';
import { ApiClient, FIELD_IDS, answers, expectStatus, type Session } from '../../test/system/support/api-client';
import { fillLike, listsMentioning, OWN_COPIES, projectDatabase, storedFor } from '../support/fill';
import { formatMs, machine, summarize, timeEach } from '../support/measure';

const ROOT = resolve(__dirname, '../..');
const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const PROJECTS = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 1000);
const SAMPLES = flag('samples', 30);
const WRITE = !process.argv.includes('--no-write');
const SIZES = [1, 25, FIELD_IDS.length] as const;
const STORED_ANSWERS = 100;
const log = (line: string) => process.stdout.write(`${line}\n`);

/** An answer of ~120 characters that differs per sample, so every save really changes the stored value. */
const answerText = (tag: string) => (fieldId: string, index: number) => `${tag} #${index} for ${fieldId}: `.padEnd(120, 'lorem ipsum dolor sit amet ');

type Stats = ReturnType<typeof summarize>;
interface Phase {
  projects: number;
  put: Record<number, Stats>;
  /** The baseline: the raw driver's `$set` on a scratch document in a collection of its own. */
  raw: Record<number, Stats>;
  /** The same, on a scratch document in the collection the service keeps the answers in (as full as the fill made it). */
  rawBeside: Record<number, Stats>;
  answersCollection: string;
  reads: Record<'list' | 'project' | 'responses', Stats>;
}

/** The collection holding the answers: of those the service wrote for the project, the one with the most bytes. */
async function answersCollection(db: Db, template: ObjectId): Promise<string> {
  const sizes = [...(await storedFor(db, template))].filter(([name, documents]) => name !== 'projects' && documents.every((document) => listsMentioning(document, template).length === 0)).map(([name, documents]) => [name, JSON.stringify(documents).length] as const);
  const largest = sizes.sort((a, b) => b[1] - a[1])[0];
  if (!largest) throw new Error('the service stored no answers for the project');
  return largest[0];
}

async function measure(api: ApiClient, session: Session, projectId: string, db: Db, projects: number): Promise<Phase> {
  const collection = await answersCollection(db, new ObjectId(projectId));
  const scratches = [db.collection('bench_scratch'), db.collection(collection)];
  const scratchId = new ObjectId();
  for (const scratch of scratches) await scratch.insertOne({ _id: scratchId, answers: {}, version: 0 });
  const put: Phase['put'] = {};
  const raw: Phase['raw'] = {};
  const rawBeside: Phase['rawBeside'] = {};
  for (const size of SIZES) {
    // Interleaved, so a change in the machine's load hits the service and the baselines alike.
    const times: number[][] = [[], [], []];
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const items = answers(size, answerText(`${projects}/${size}/${sample}`));
      const started = performance.now();
      expectStatus(await api.putResponses(session, projectId, items), 200, `PUT ${size} answers`);
      times[0]!.push(performance.now() - started);
      const now = new Date();
      const paths = Object.fromEntries(items.map(({ fieldId, value }) => [`answers.${fieldId.replaceAll('.', ':')}`, { fieldId, value, updatedAt: now }]));
      for (const [index, scratch] of scratches.entries()) {
        const rawStarted = performance.now();
        await scratch.updateOne({ _id: scratchId }, { $set: { ...paths, version: sample } });
        times[index + 1]!.push(performance.now() - rawStarted);
      }
    }
    [put[size], raw[size], rawBeside[size]] = times.map(summarize) as [Stats, Stats, Stats];
    log(`  ${projects} projects, ${size} answers: PUT p50 ${formatMs(put[size].p50)}, raw $set p50 ${formatMs(raw[size].p50)}, in ${collection} ${formatMs(rawBeside[size].p50)}`);
  }
  // Out again: the answers collection may have a unique index the next phase's scratch document would break.
  for (const scratch of scratches) await scratch.deleteOne({ _id: scratchId });
  const get = (path: string) => async () => expectStatus(await api.call('GET', path, { token: session.accessToken }), 200, `GET ${path}`);
  const reads: Phase['reads'] = {
    list: summarize(await timeEach(SAMPLES, get('/api/projects'))),
    project: summarize(await timeEach(SAMPLES, get(`/api/projects/${projectId}`))),
    responses: summarize(await timeEach(SAMPLES, get(`/api/projects/${projectId}/responses`))),
  };
  log(`  ${projects} projects, reads p50: list ${formatMs(reads.list.p50)}, project ${formatMs(reads.project.p50)}, responses ${formatMs(reads.responses.p50)}`);
  return { projects, put, raw, rawBeside, answersCollection: collection, reads };
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // An exported tree (git archive) has no .git; the export records its commit beside it.
    return existsSync(join(ROOT, '.commit')) ? readFileSync(join(ROOT, '.commit'), 'utf8').trim().slice(0, 7) : 'unknown';
  }
}

function markdown(phases: Phase[], fill: { ms: number; collections: Record<string, number> }): string {
  const [one, full] = phases as [Phase, Phase];
  const cell = (stats: Stats) => `${formatMs(stats.p50)} / ${formatMs(stats.p95)}`;
  const ratio = (phase: Phase, size: number, baseline: 'raw' | 'rawBeside') => `${(phase.put[size]!.p50 / phase[baseline][size]!.p50).toFixed(1)} ×`;
  const rows = [
    `| measurement (p50 / p95, n = ${SAMPLES}) | 1 project | ${full.projects} projects × ${STORED_ANSWERS} answers |`,
    '|---|---:|---:|',
    ...SIZES.flatMap((size) => [
      `| PUT ${size} answer${size > 1 ? 's' : ''} through the gateway | ${cell(one.put[size]!)} | ${cell(full.put[size]!)} |`,
      `| raw driver, one \`$set\` of ${size} path${size > 1 ? 's' : ''} by \`_id\`, scratch collection | ${cell(one.raw[size]!)} | ${cell(full.raw[size]!)} |`,
      `| raw driver, the same in \`${full.answersCollection}\` beside the stored answers | ${cell(one.rawBeside[size]!)} | ${cell(full.rawBeside[size]!)} |`,
      `| service ÷ raw, ${size} (p50): scratch collection · beside the answers | ${ratio(one, size, 'raw')} · ${ratio(one, size, 'rawBeside')} | ${ratio(full, size, 'raw')} · ${ratio(full, size, 'rawBeside')} |`,
    ]),
    `| GET /api/projects (list) | ${cell(one.reads.list)} | ${cell(full.reads.list)} |`,
    `| GET /api/projects/:id | ${cell(one.reads.project)} | ${cell(full.reads.project)} |`,
    `| GET /api/projects/:id/responses | ${cell(one.reads.responses)} | ${cell(full.reads.responses)} |`,
  ];
  const copied = Object.entries(fill.collections).map(([name, count]) => `${count} × ${name}`).join(', ');
  return `${rows.join('\n')}\n\nFill: ${(fill.ms / 1000).toFixed(1)} s through the raw driver (${copied || 'nothing copied'}).`;
}

async function main(): Promise<void> {
  if (FIELD_IDS.length < STORED_ANSWERS) throw new Error(`the catalog has ${FIELD_IDS.length} fields, fewer than ${STORED_ANSWERS}`);
  const before = machine();
  log(`save benchmark: ${PROJECTS} projects, ${SAMPLES} samples per measurement, commit ${commit()}; ${before.uptime}`);
  let stack: TestStack | undefined;
  let client: MongoClient | undefined;
  try {
    stack = await startStack({ ownDatabase: true, env: { RATE_LIMIT_ENABLED: 'false' } });
    const api = new ApiClient(stack.gatewayUrl);
    const session = await api.register('bench');
    const projectId = await api.createProject(session, 'Benchmarked project');
    await api.saveAnswers(session, projectId, answers(STORED_ANSWERS, answerText('stored')));
    client = await MongoClient.connect(stack.db!.url);
    const db = await projectDatabase(client);

    const phases = [await measure(api, session, projectId, db, 1)];
    // The PUTs of 106 answers answered every field; a blank value removes an answer, back to 100 to copy.
    await api.saveAnswers(session, projectId, FIELD_IDS.slice(STORED_ANSWERS).map((fieldId) => ({ fieldId, value: '' })));
    log(`filling to ${PROJECTS} projects × ${STORED_ANSWERS} answers…`);
    const fill = await fillLike(db, new ObjectId(projectId), session.userId, PROJECTS);
    log(`  filled in ${(fill.ms / 1000).toFixed(1)} s: ${JSON.stringify(fill.collections)}`);
    const listed = expectStatus(await api.call('GET', '/api/projects?limit=100', { token: session.accessToken }), 200, 'list') as { items: Array<{ id: string }> };
    if (listed.items.length !== OWN_COPIES + 1) throw new Error(`the list shows ${listed.items.length} projects, not ${OWN_COPIES + 1}: the fill missed the storage format`);
    const copy = listed.items.find((item) => item.id !== projectId)!;
    const stored = await api.readResponses(session, copy.id);
    if (stored.length !== STORED_ANSWERS) throw new Error(`a filled project reads back ${stored.length} answers, not ${STORED_ANSWERS}: the fill missed the storage format`);
    phases.push(await measure(api, session, projectId, db, PROJECTS));

    const after = machine();
    const table = markdown(phases, fill);
    log(`\n${table}\n\n${before.uptime} (start)\n${after.uptime} (end)`);
    if (WRITE) {
      const dir = join(ROOT, '.bin/bench-results');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `save-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}-${PROJECTS}.json`);
      writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), commit: commit(), projects: PROJECTS, samples: SAMPLES, machine: { before, after }, fill, phases, table }, null, 2)}\n`);
      log(`written to ${file}`);
    }
  } finally {
    await client?.close();
    await stack?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);

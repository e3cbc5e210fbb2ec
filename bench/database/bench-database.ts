/**
 * The embedded database's two FerretDB backends, measured with the raw driver on the storage shape of one
 * answers document per project: SQLite (the project's .bin/embedded-db) and PostgreSQL (Debian's PostgreSQL
 * behind bench/database/ferretdb-pg). Both are filled alike to 1, 100 and 1000 projects (a project document,
 * its answers document with 100 answers of ~120 characters) beside 1000 users; at each size every hot query
 * is timed on both, interleaved so the machine's load hits both alike. bench/database/run.sh starts the
 * servers and passes them in:
 *
 *   BENCH_BACKENDS='sqlite=mongodb://…=<pids> postgresql=mongodb://…=<pids>' npx tsx bench/database/bench-database.ts [--samples 50]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { formatMs, machine, processTreeMemoryMb, summarize, timeEach } from '../support/measure';

const ROOT = resolve(__dirname, '../..');
const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const SAMPLES = flag('samples', 50);
const SIZES = [1, 100, 1000];
const USERS = 1000;
const ANSWERS = 100;
const PROJECTS_PER_OWNER = 10;
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Backend {
  name: string;
  db: Db;
  client: MongoClient;
  /** Processes whose memory is the backend's (FerretDB, and PostgreSQL's postmaster with its children). */
  pids: number[];
}

const OPERATIONS = ['list one owner’s projects (limit 20)', 'list one owner’s projects by its list (1 + 10 `_id` reads)', 'findOne project by _id', 'findOne answers by _id', '$set of 106 answer paths by _id', 'user by email (1000 users)', 'user by email key (2 `_id` reads)', 'insert lock with fixed _id + delete'] as const;
type Operation = (typeof OPERATIONS)[number];

const ownerOf = (index: number) => `owner-${Math.floor(index / PROJECTS_PER_OWNER)}`;
const text = (tag: string, index: number) => `${tag} answer ${index}: `.padEnd(120, 'lorem ipsum dolor sit amet ');
const fieldKey = (index: number) => `phase${index % 5}:section${Math.floor(index / 5)}:field`;

/** The project ids of each size are the same on both backends, so both answer the same queries. */
const projectIds = Array.from({ length: Math.max(...SIZES) }, () => new ObjectId());

async function prepare(backend: Backend): Promise<void> {
  await backend.db.dropDatabase();
  await backend.db.collection('projects').createIndex({ ownerId: 1, createdAt: -1, _id: -1 });
  await backend.db.collection('users').createIndex({ email: 1 }, { unique: true });
  const users = Array.from({ length: USERS }, (_, index) => ({ _id: new ObjectId(), email: `user-${index}@example.com`, name: `User ${index}`, passwordHash: 'x'.repeat(97), createdAt: new Date() }));
  await backend.db.collection('users').insertMany(users);
  await backend.db.collection<{ _id: string; userId: ObjectId }>('user_emails').insertMany(users.map((user) => ({ _id: user.email, userId: user._id })));
}

/** Adds projects `from`..`to - 1` with their answers documents; the time it took in ms. */
async function fill(backend: Backend, from: number, to: number): Promise<number> {
  const started = performance.now();
  for (let first = from; first < to; first += 100) {
    const indexes = Array.from({ length: Math.min(to, first + 100) - first }, (_, offset) => first + offset);
    const now = Date.now();
    await backend.db.collection('projects').insertMany(
      indexes.map((index) => ({ _id: projectIds[index], ownerId: ownerOf(index), name: `Project ${index}`, description: 'Filled by bench/database', contentVersion: 1, createdAt: new Date(now + index), updatedAt: new Date(now + index) })),
    );
    const lists = new Map<string, Array<{ id: ObjectId; createdAt: Date }>>();
    for (const index of indexes) lists.set(ownerOf(index), [...(lists.get(ownerOf(index)) ?? []), { id: projectIds[index]!, createdAt: new Date(now + index) }]);
    for (const [owner, entries] of lists) await backend.db.collection<{ _id: string }>('owner_projects').updateOne({ _id: owner }, { $push: { projects: { $each: entries } } }, { upsert: true });
    await backend.db.collection('answers').insertMany(
      indexes.map((index) => ({
        _id: projectIds[index],
        answers: Object.fromEntries(Array.from({ length: ANSWERS }, (_, field) => [fieldKey(field), { fieldId: fieldKey(field).replaceAll(':', '.'), value: text(`p${index}`, field), updatedAt: new Date() }])),
        version: 1,
        updatedAt: new Date(),
      })),
    );
  }
  return performance.now() - started;
}

/**
 * One call of each operation against the measured project, the one in the middle of the collection: a
 * backend that reads rows in insertion order and stops at the first match would look fast on the first.
 */
function operations(backend: Backend, size: number): Record<Operation, (sample: number) => Promise<unknown>> {
  const middle = Math.floor((size - 1) / 2);
  const target = projectIds[middle]!;
  const owner = ownerOf(middle);
  const lockId = new ObjectId();
  const { db } = backend;
  return {
    'list one owner’s projects (limit 20)': () => db.collection('projects').find({ ownerId: owner }).sort({ createdAt: -1, _id: -1 }).limit(20).toArray(),
    'list one owner’s projects by its list (1 + 10 `_id` reads)': async () => {
      const list = await db.collection<{ _id: string; projects: Array<{ id: ObjectId }> }>('owner_projects').findOne({ _id: owner });
      return Promise.all((list?.projects ?? []).slice(0, 20).map(({ id }) => db.collection('projects').findOne({ _id: id })));
    },
    'findOne project by _id': () => db.collection('projects').findOne({ _id: target }),
    'findOne answers by _id': () => db.collection('answers').findOne({ _id: target }),
    '$set of 106 answer paths by _id': (sample) => {
      const now = new Date();
      const paths = Object.fromEntries(Array.from({ length: 106 }, (_, field) => [`answers.${fieldKey(field)}`, { fieldId: fieldKey(field), value: text(`s${sample}`, field), updatedAt: now }]));
      return db.collection('answers').updateOne({ _id: target }, { $set: { ...paths, version: sample + 2, updatedAt: now } });
    },
    'user by email (1000 users)': (sample) => db.collection('users').findOne({ email: `user-${(sample * 37) % USERS}@example.com` }),
    'user by email key (2 `_id` reads)': async (sample) => {
      const key = await db.collection<{ _id: string; userId: ObjectId }>('user_emails').findOne({ _id: `user-${(sample * 37) % USERS}@example.com` });
      return key && db.collection('users').findOne({ _id: key.userId });
    },
    'insert lock with fixed _id + delete': async () => {
      await db.collection('project_locks').insertOne({ _id: lockId, writeId: 'bench', startedAt: new Date(), items: null });
      await db.collection('project_locks').deleteOne({ _id: lockId });
    },
  };
}

function memoryMb(rootPids: number[]): { rss: number; pss: number } {
  const { rss, pss } = processTreeMemoryMb(rootPids);
  return { rss: Math.round(rss), pss: Math.round(pss) };
}

function parseBackends(spec: string | undefined): Array<{ name: string; url: string; pids: number[] }> {
  if (!spec) throw new Error('BENCH_BACKENDS is not set: run bench/database/run.sh');
  return spec.trim().split(/\s+/).map((entry) => {
    const [name, url, pids] = entry.split('=');
    if (!name || !url) throw new Error(`bad BENCH_BACKENDS entry ${entry}`);
    return { name, url, pids: (pids ?? '').split(',').filter(Boolean).map(Number) };
  });
}

async function main(): Promise<void> {
  const before = machine();
  log(`database benchmark: ${SAMPLES} samples per operation; ${before.uptime}`);
  const backends: Backend[] = [];
  try {
    for (const { name, url, pids } of parseBackends(process.env.BENCH_BACKENDS)) {
      const client = await MongoClient.connect(url);
      backends.push({ name, client, db: client.db('bench_database'), pids });
    }
    for (const backend of backends) await prepare(backend);
    const results: Record<string, Record<number, Record<string, ReturnType<typeof summarize>>>> = {};
    const fills: Record<string, Record<number, number>> = {};
    const memory: Record<string, Record<number, { rss: number; pss: number }>> = {};
    let filled = 0;
    for (const size of SIZES) {
      for (const backend of backends) {
        (fills[backend.name] ??= {})[size] = await fill(backend, filled, size);
      }
      filled = size;
      for (const operation of OPERATIONS) {
        // Every other operation in reverse backend order: neither backend always runs first.
        const order = OPERATIONS.indexOf(operation) % 2 === 0 ? backends : [...backends].reverse();
        for (const backend of order) {
          const run = operations(backend, size)[operation];
          await timeEach(3, run); // warm-up: connection, query plan, page cache
          ((results[backend.name] ??= {})[size] ??= {})[operation] = summarize(await timeEach(SAMPLES, run));
        }
      }
      for (const backend of backends) (memory[backend.name] ??= {})[size] = memoryMb(backend.pids);
      log(`  ${size} projects: ${backends.map((backend) => `${backend.name} ${OPERATIONS.map((operation) => formatMs(results[backend.name]![size]![operation]!.p50)).join(' · ')}`).join(' | ')}`);
    }
    const after = machine();
    const names = backends.map((backend) => backend.name);
    const header = `| operation (p50 ms, n = ${SAMPLES}) | ${SIZES.flatMap((size) => names.map((name) => `${size} · ${name}`)).join(' | ')} |`;
    const rows = [
      header,
      `|---|${SIZES.flatMap(() => names.map(() => '---:')).join('|')}|`,
      ...OPERATIONS.map((operation) => `| ${operation} | ${SIZES.flatMap((size) => names.map((name) => results[name]![size]![operation]!.p50.toFixed(2))).join(' | ')} |`),
      `| fill to this size (s) | ${SIZES.flatMap((size) => names.map((name) => (fills[name]![size]! / 1000).toFixed(2))).join(' | ')} |`,
      `| memory RSS / PSS (MB) | ${SIZES.flatMap((size) => names.map((name) => `${memory[name]![size]!.rss} / ${memory[name]![size]!.pss}`)).join(' | ')} |`,
    ];
    const table = rows.join('\n');
    log(`\n${table}\n\n${before.uptime} (start)\n${after.uptime} (end)`);
    const dir = join(ROOT, '.bin/bench-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `database-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.json`);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), samples: SAMPLES, machine: { before, after }, startup: process.env.BENCH_STARTUP ?? '', results, fills, memory, table }, null, 2)}\n`);
    log(`written to ${file}`);
  } finally {
    for (const backend of backends) await backend.client.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);

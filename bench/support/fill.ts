/**
 * Fills a database to N projects like one the service stored itself, through the raw driver (the API would
 * take hours at this size): the benchmarks that promise a flat hot path measure it at 1,000 projects × 100
 * answers (bench/save, bench/pdf, the load test).
 */
import { MongoClient, ObjectId, type Db, type Document } from 'mongodb';
import type { TestStack } from '../../test/support/stack';
import { ApiClient, answers, expectStatus } from '../../test/system/support/api-client';

/** The project service's database: the stack gives each service its own, named `<prefix>_project`. */
export async function projectDatabase(client: MongoClient): Promise<Db> {
  const { databases } = await client.db('admin').admin().listDatabases();
  const name = databases.map((database) => database.name).find((candidate) => candidate.endsWith('_project'));
  if (!name) throw new Error(`no project database among ${databases.map((database) => database.name).join(', ')}`);
  return client.db(name);
}

const sameId = (value: unknown, id: ObjectId) => (value instanceof ObjectId && value.equals(id)) || value === id.toHexString();

function mentions(value: unknown, id: ObjectId): boolean {
  if (sameId(value, id)) return true;
  if (Array.isArray(value)) return value.some((item) => mentions(item, id));
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof ObjectId)) return Object.values(value).some((item) => mentions(item, id));
  return false;
}

/** `value` with every mention of `from` (as ObjectId or hex string) replaced by `to`, in the same form. */
function replaceId(value: unknown, from: ObjectId, to: ObjectId): unknown {
  if (value instanceof ObjectId) return value.equals(from) ? to : value;
  if (value === from.toHexString()) return to.toHexString();
  if (Array.isArray(value)) return value.map((item) => replaceId(item, from, to));
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceId(item, from, to)]));
  return value;
}

/**
 * What the service stored for `template`, by collection: its project document and its answers, whatever
 * their shape (one row per answer, or one document per project). Locks and journals are left out.
 */
export async function storedFor(db: Db, template: ObjectId): Promise<Map<string, Document[]>> {
  const templates = new Map<string, Document[]>();
  for (const { name } of await db.listCollections().toArray()) {
    if (/lock|journal|scratch/i.test(name)) continue;
    const documents = (await db.collection(name).find({}).toArray()).filter((document) => mentions(document, template));
    if (documents.length > 0) templates.set(name, documents);
  }
  return templates;
}

/** The array fields of `document` with an element that mentions `template` (e.g. an owner's list of projects). */
export function listsMentioning(document: Document, template: ObjectId): Array<{ field: string; entry: unknown }> {
  return Object.entries(document).flatMap(([field, value]) => {
    const entry = Array.isArray(value) ? value.find((item) => mentions(item, template)) : undefined;
    return entry === undefined ? [] : [{ field, entry }];
  });
}

/** `value` with every string equal to `from` replaced by `to`. */
function replaceString(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((item) => replaceString(item, from, to));
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof ObjectId)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceString(item, from, to)]));
  return value;
}

/** Copies that stay the benchmarked user's, so its list shows a full default page of 20. */
export const OWN_COPIES = 19;
const COPIES_PER_OTHER_OWNER = 10;

/**
 * Fills the database to `total` projects by copying what the service itself stored for `template`, through
 * the raw driver — the API would take hours at this size. The first OWN_COPIES copies stay `ownerId`'s, the
 * rest belong to other owners, 10 each (every mention of `ownerId` replaced). Documents keyed by the template
 * are copied with the copy's id; a document keyed otherwise that lists the template in an array (an owner's
 * list of projects) gains the copy in that array, in the copy owner's document; any other document that
 * mentions the template (one row per answer) is copied with a new id.
 */
export async function fillLike(db: Db, template: ObjectId, ownerId: string, total: number): Promise<{ ms: number; collections: Record<string, number> }> {
  const started = performance.now();
  const templates = await storedFor(db, template);
  const copied: Record<string, number> = {};
  const projectsPerBatch = Math.max(1, Math.floor(2000 / Math.max(...[...templates.values()].map((documents) => documents.length))));
  for (let first = 1; first < total; first += projectsPerBatch) {
    const batch = new Map<string, Document[]>();
    const listed = new Map<string, { name: string; _id: unknown; field: string; entries: unknown[] }>();
    for (let copy = first; copy < Math.min(total, first + projectsPerBatch); copy += 1) {
      const id = new ObjectId();
      const owner = copy <= OWN_COPIES ? ownerId : `filled-owner-${Math.floor(copy / COPIES_PER_OTHER_OWNER)}`;
      for (const [name, documents] of templates) {
        for (const stored of documents) {
          const document = replaceString(stored, ownerId, owner) as Document;
          const lists = sameId(stored._id, template) ? [] : listsMentioning(stored, template);
          for (const { field, entry } of lists) {
            const key = `${name}/${String(document._id)}/${field}`;
            const list = listed.get(key) ?? { name, _id: document._id, field, entries: [] as unknown[] };
            list.entries.push(replaceId(entry, template, id));
            listed.set(key, list);
          }
          if (lists.length > 0) continue;
          const clone = replaceId(document, template, id) as Document;
          if (!sameId(document._id, template)) clone._id = new ObjectId();
          if (name === 'projects') clone.name = `Filled project ${copy}`;
          batch.set(name, [...(batch.get(name) ?? []), clone]);
        }
      }
    }
    for (const [name, documents] of batch) {
      await db.collection(name).insertMany(documents, { ordered: false });
      copied[name] = (copied[name] ?? 0) + documents.length;
    }
    for (const { name, _id, field, entries } of listed.values()) {
      await db.collection(name).updateOne({ _id: _id as ObjectId }, { $push: { [field]: { $each: entries } } } as Document, { upsert: true });
      copied[`${name}.${field}`] = (copied[`${name}.${field}`] ?? 0) + entries.length;
    }
  }
  return { ms: performance.now() - started, collections: copied };
}

/** Answers per filled project. */
export const FILLED_ANSWERS = 100;

/** An answer of ~120 characters. */
export const fillerAnswer = (fieldId: string, index: number) => `Answer ${index} for ${fieldId}: `.padEnd(120, 'lorem ipsum ');

/**
 * Fills a running stack's project database to `total` projects × 100 answers: a user of its own stores one
 * project through the gateway, which is then copied; a copy is read back through the gateway, so a fill the
 * service does not understand fails here, not in the numbers.
 */
export async function fillStack(stack: Pick<TestStack, 'gatewayUrl' | 'database'>, total: number): Promise<{ ms: number; collections: Record<string, number> }> {
  const api = new ApiClient(stack.gatewayUrl);
  const session = await api.register('filler');
  const template = await api.createProject(session, 'Filled project');
  await api.saveAnswers(session, template, answers(FILLED_ANSWERS, fillerAnswer));
  const { url, name } = stack.database('project-service');
  const client = await MongoClient.connect(url);
  const filled = await fillLike(client.db(name), new ObjectId(template), session.userId, total).finally(() => client.close());
  const listed = expectStatus(await api.call('GET', '/api/projects?limit=100', { token: session.accessToken }), 200, 'list') as { items: Array<{ id: string }> };
  const copy = listed.items.find((item) => item.id !== template);
  const stored = copy ? await api.readResponses(session, copy.id) : [];
  if (stored.length !== FILLED_ANSWERS) throw new Error(`a filled project reads back ${stored.length} answers, not ${FILLED_ANSWERS}: the fill missed the storage format`);
  return filled;
}

import { insertClaim } from '@playbook/kit/mongo';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@playbook/kit';
import type { Connection, Types } from 'mongoose';
import { answerKey, answerSetModel, type AnswerSetDocument } from './answer-model';
import { projectLockModel } from './lock-models';

/*
 * Up to version 1.0.0 every answer was its own document in `responses`, and a save in progress kept its answers
 * as a journal (`items`) in the project's lock. This moves both into the answer sets of answer-model.ts. It is
 * idempotent: a row is merged only where the set holds nothing newer for its field, so running it again, on
 * two pods at once, or after a crash changes nothing twice; rows that pods of the old version write during a
 * rolling upgrade are picked up by the next pass. `responses` is dropped once a pass moved all of it.
 */

const LEGACY_ROWS = 'responses';

interface LegacyRow {
  projectId: Types.ObjectId;
  fieldId: string;
  /** Empty for a removal (only journals hold those). */
  value: string;
  updatedAt: Date;
}

export interface MigrationResult {
  projects: number;
  rows: number;
  /** Projects whose lock was held: left for the next pass. */
  skipped: number;
}

/** One pass over everything the old format left; see the comment at the top. */
export interface AnswerRowsMigration {
  logger: Logger;
  lockStaleMs: number;
  now: () => Date;
}

export async function migrateAnswerRows(connection: Connection, options: AnswerRowsMigration): Promise<MigrationResult> {
  const db = connection.db!;
  const answerSets = answerSetModel(connection);
  const locks = projectLockModel(connection);
  const byProject = new Map<string, LegacyRow[]>();
  const add = (row: LegacyRow) => {
    const key = row.projectId.toHexString();
    const rows = byProject.get(key);
    if (rows) rows.push(row);
    else byProject.set(key, [row]);
  };

  // Journals of saves whose writer died (old format): finished here, as the old version would have.
  const staleBefore = new Date(options.now().getTime() - options.lockStaleMs);
  const journals = await locks.collection.find({ items: { $type: 'array' }, startedAt: { $lt: staleBefore } }).toArray();
  for (const journal of journals) {
    for (const item of journal.items as Array<{ fieldId: string; value: string }>) add({ projectId: journal._id as Types.ObjectId, fieldId: item.fieldId, value: item.value, updatedAt: journal.startedAt as Date });
  }
  const hasRows = (await db.listCollections({ name: LEGACY_ROWS }, { nameOnly: true }).toArray()).length > 0;
  let rowsRead = 0;
  if (hasRows) {
    for await (const row of db.collection<LegacyRow>(LEGACY_ROWS).find({})) {
      add(row);
      rowsRead++;
    }
  }
  if (byProject.size === 0) return { projects: 0, rows: 0, skipped: 0 };

  let skipped = 0;
  for (const [projectId, rows] of byProject) {
    const _id = rows[0]!.projectId;
    const journal = journals.find((doc) => (doc._id as Types.ObjectId).equals(_id));
    // A journal's lock is the old writer's, abandoned: take it over; otherwise take the lock like any change.
    const writeId = randomUUID();
    if (journal) await locks.collection.updateOne({ _id, writeId: journal.writeId }, { $set: { writeId, startedAt: options.now() }, $unset: { items: '' } });
    else if (!(await claim(locks, _id, writeId, options.now()))) {
      skipped++;
      continue;
    }
    try {
      await mergeRows(answerSets, _id, rows);
    } finally {
      await locks.deleteOne({ _id, writeId });
    }
    options.logger.info(`moved ${rows.length} answer(s) of project ${projectId} into its answer set`);
  }
  if (hasRows && skipped === 0 && (await db.collection(LEGACY_ROWS).countDocuments()) === rowsRead) await db.dropCollection(LEGACY_ROWS);
  return { projects: byProject.size - skipped, rows: rowsRead, skipped };
}

const claim = (locks: ReturnType<typeof projectLockModel>, _id: Types.ObjectId, writeId: string, now: Date) => insertClaim(() => locks.create({ _id, writeId, startedAt: now }));

/** Last writer wins per field: a row is applied only where the set has no answer, or an older one. */
async function mergeRows(answerSets: ReturnType<typeof answerSetModel>, _id: Types.ObjectId, rows: LegacyRow[]): Promise<void> {
  const current: Partial<AnswerSetDocument> = (await answerSets.findOne({ _id }).lean()) ?? {};
  const newest = new Map<string, LegacyRow>();
  for (const row of rows) {
    const seen = newest.get(row.fieldId);
    if (!seen || seen.updatedAt < row.updatedAt) newest.set(row.fieldId, row);
  }
  const set: Record<string, unknown> = {};
  const unset: Record<string, ''> = {};
  for (const row of newest.values()) {
    const key = answerKey(row.fieldId);
    const stored = current.answers?.[key];
    if (stored && stored.updatedAt >= row.updatedAt) continue;
    if (row.value === '') unset[`answers.${key}`] = '';
    else set[`answers.${key}`] = { fieldId: row.fieldId, value: row.value, updatedAt: row.updatedAt };
  }
  if (current._id === undefined) Object.assign(set, { version: 0, updatedAt: new Date(0) });
  if (Object.keys(set).length === 0 && Object.keys(unset).length === 0) return;
  await answerSets.updateOne({ _id }, { ...(Object.keys(set).length > 0 ? { $set: set } : {}), ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) }, { upsert: true });
}

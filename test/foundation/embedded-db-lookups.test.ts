import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import { MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedDb, type TestEmbeddedDb } from '../support/embedded-db';

/*
 * FerretDB 1.24's SQLite backend looks documents up by `_ferretdb_sjson->'$._id'` but indexes `->"_id"`, so
 * without the index embedded-db adds (tools/embedded-db/id_index.go) every find, update and delete by _id
 * scans its collection. Read straight from the SQLite file: the plan of FerretDB's own lookup uses an index.
 */
describe('the embedded database', () => {
  let db: TestEmbeddedDb;
  let client: MongoClient;
  beforeAll(async () => {
    db = await startEmbeddedDb();
    client = await MongoClient.connect(db.url);
  });
  afterAll(async () => {
    await client?.close();
    await db?.destroy();
  });

  it('looks up every collection by _id through an index, soon after the collection is created', async () => {
    const answers = client.db('lookups').collection('answers');
    const _id = new ObjectId();
    await answers.insertOne({ _id, answers: {} });
    // A fresh connection per look: one opened before the index was made may keep the old schema.
    const planOfLookup = () => {
      const file = new DatabaseSync(join(db.dataDir, 'lookups.sqlite'), { readOnly: true });
      try {
        const { table_name: table } = file.prepare(`SELECT table_name FROM _ferretdb_collections WHERE name = 'answers'`).get() as { table_name: string };
        const steps = file.prepare(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = ?`).all(JSON.stringify(_id.toHexString()));
        return { table, plan: (steps as Array<{ detail: string }>).map((step) => step.detail).join('; ') };
      } finally {
        file.close();
      }
    };
    let found = planOfLookup();
    for (let attempt = 0; attempt < 50 && !found.plan.includes('USING INDEX'); attempt++) {
      await delay(100);
      found = planOfLookup();
    }
    expect(found.plan).toBe(`SEARCH ${found.table} USING INDEX ${found.table}__id_lookup (<expr>=?)`);
    // FerretDB is unaffected: the document is still found and updated by _id.
    await answers.updateOne({ _id }, { $set: { version: 1 } });
    expect(await answers.findOne({ _id })).toEqual({ _id, answers: {}, version: 1 });
  });

  // Its Go tests: every SQLite connection retries a taken write lock every millisecond (tools/embedded-db/busy_handler.go) and writes with
  // synchronous=NORMAL; the collector runs at GOGC=400 unless GOGC is set (gc.go).
  it('waits for a taken write lock by retrying every millisecond, flushes no commit and collects at GOGC=400 (its Go tests)', async () => {
    const { stdout } = await promisify(execFile)('go', ['test', '-count=1', '.'], { cwd: resolve(__dirname, '../../tools/embedded-db') });
    expect(stdout).toMatch(/^ok\s/m);
  }, 180_000);
});

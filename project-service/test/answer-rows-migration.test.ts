import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { Types } from 'mongoose';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';
import { migrateAnswerRows } from '../src/data/answer-rows-migration';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';

const GOAL = 'empathize.research_plan.goal';
const NOTES = 'empathize.interviews.notes';
const SAYS = 'empathize.empathy_map.says';

interface Answers {
  items: Array<{ fieldId: string; value: string }>;
}

/*
 * Data exactly as version 1.0.0 wrote it (its models: one `responses` document per answer with a unique
 * (projectId, fieldId) index, and a save's answers as `items` in its lock while it ran).
 */
describe('moving answers stored by version 1.0.0 into answer sets', () => {
  const dbName = uniqueDbName('migration');
  const ownerId = 'old-user';
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  const plain = new Types.ObjectId();
  const crashed = new Types.ObjectId();
  const empty = new Types.ObjectId();
  let db: MongoHandle;
  let service: TestProjectService | undefined;

  beforeAll(async () => {
    db = await connectMongo({ url: testMongoUrl(), dbName, logger: createCapturingLogger('test-db').logger });
    const project = (_id: Types.ObjectId, contentVersion: number) => ({ _id, ownerId, name: `p ${_id.toHexString()}`, description: '', contentVersion, createdAt: at(60), updatedAt: at(10) });
    await db.connection.collection('projects').insertMany([project(plain, 2), project(crashed, 1), project(empty, 0)]);
    await db.connection.collection('responses').createIndex({ projectId: 1, fieldId: 1 }, { unique: true });
    await db.connection.collection('responses').insertMany([
      { projectId: plain, fieldId: GOAL, value: 'plain goal', updatedAt: at(20) },
      { projectId: plain, fieldId: NOTES, value: 'plain notes', updatedAt: at(10) },
      { projectId: crashed, fieldId: GOAL, value: 'goal before the crash', updatedAt: at(30) },
      // The crashed save had applied its first item when its writer died; the journal holds all three.
      { projectId: crashed, fieldId: SAYS, value: 'says from the crashed save', updatedAt: at(5) },
    ]);
    await db.connection.collection('project_locks').insertOne({
      _id: crashed,
      writeId: 'old-writer',
      startedAt: at(5),
      items: [
        { fieldId: SAYS, value: 'says from the crashed save' },
        { fieldId: GOAL, value: '' },
        { fieldId: NOTES, value: 'notes from the crashed save' },
      ],
    });
  });
  afterAll(async () => {
    await service?.stop();
    await db?.connection.dropDatabase();
    await db?.close();
  });

  const answersOf = async (projectId: Types.ObjectId) => {
    const response = await service!.as(ownerId).get(`/api/projects/${projectId.toHexString()}/responses`);
    expect(response.status).toBe(200);
    return ((await response.json()) as Answers).items.map(({ fieldId, value }) => ({ fieldId, value }));
  };
  const expected = {
    plain: [{ fieldId: GOAL, value: 'plain goal' }, { fieldId: NOTES, value: 'plain notes' }],
    crashed: [{ fieldId: NOTES, value: 'notes from the crashed save' }, { fieldId: SAYS, value: 'says from the crashed save' }],
  };

  it('moves every row and finishes the abandoned save on start, then drops the old collection', async () => {
    service = await startTestProjectService({ dbName, env: { PROJECT_LOCK_STALE_MS: '1000' } });
    expect(await answersOf(plain)).toEqual(expected.plain);
    expect(await answersOf(crashed)).toEqual(expected.crashed);
    expect(await answersOf(empty)).toEqual([]);
    const collections = (await db.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(collections).not.toContain('responses');
    expect(await db.connection.collection('project_locks').countDocuments()).toBe(0);
    // Versions carry on from where 1.0.0 left them.
    const saved = await service.as(ownerId).put(`/api/projects/${plain.toHexString()}/responses`, { responses: [{ fieldId: SAYS, value: 'new says' }] });
    expect(((await saved.json()) as { project: { contentVersion: number } }).project.contentVersion).toBe(3);
  });

  it('is harmless when run again, and picks up rows an old pod writes during a rolling upgrade (newest wins)', async () => {
    const logger = createCapturingLogger('migration').logger;
    const options = { logger, lockStaleMs: 1000, now: () => new Date() };
    expect(await migrateAnswerRows(db.connection, options)).toEqual({ projects: 0, rows: 0, skipped: 0 });
    expect(await answersOf(crashed)).toEqual(expected.crashed);

    // An old pod saves after the migration: one answer newer than the new pod's, one older.
    await db.connection.collection('responses').insertMany([
      { projectId: plain, fieldId: GOAL, value: 'goal from an old pod', updatedAt: new Date() },
      { projectId: plain, fieldId: SAYS, value: 'stale says from an old pod', updatedAt: at(30) },
    ]);
    expect(await migrateAnswerRows(db.connection, options)).toEqual({ projects: 1, rows: 2, skipped: 0 });
    expect(await answersOf(plain)).toEqual([{ fieldId: GOAL, value: 'goal from an old pod' }, { fieldId: NOTES, value: 'plain notes' }, { fieldId: SAYS, value: 'new says' }]);
    expect(await migrateAnswerRows(db.connection, options)).toEqual({ projects: 0, rows: 0, skipped: 0 });
  });
});

import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import mongoose, { Types } from 'mongoose';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';
import { createOwnerLockRepository } from '../src/data/lock-repository';
import { addUnlistedProjects } from '../src/data/owner-projects-backfill';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';

interface Page {
  items: Array<{ id: string; name: string }>;
  nextCursor: string | null;
}

/*
 * The embedded database reads a whole collection for any filter but `_id`, so each owner's projects are
 * listed in one document keyed by the owner (owner_projects). These check what a user of the list would
 * notice if that list went wrong: projects missing, listed twice, or gone ones shown.
 */
describe("each owner's list of projects, on the real database", () => {
  const dbName = uniqueDbName('owner-lists');
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  const older = new Types.ObjectId();
  const newer = new Types.ObjectId();
  let db: MongoHandle;
  let service: TestProjectService;

  beforeAll(async () => {
    db = await connectMongo({ url: testMongoUrl(), dbName, logger: createCapturingLogger('test-db').logger });
    // Stored before the owners' lists existed: no entry in owner_projects.
    const project = (_id: Types.ObjectId, minutesAgo: number) => ({ _id, ownerId: 'old-owner', name: `p ${minutesAgo}`, description: '', contentVersion: 0, createdAt: at(minutesAgo), updatedAt: at(minutesAgo) });
    await db.connection.collection('projects').insertMany([project(older, 60), project(newer, 30)]);
    service = await startTestProjectService({ dbName });
  });
  afterAll(async () => {
    mongoose.set('debug', false);
    await service?.stop();
    await db?.connection.dropDatabase();
    await db?.close();
  });

  const list = async (ownerId: string, query = '') => {
    const response = await service.as(ownerId).get(`/api/projects${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };
  const listedIds = async (ownerId: string) => ((await db.connection.collection('owner_projects').findOne({ _id: ownerId as never }))?.projects as Array<{ id: Types.ObjectId }> | undefined)?.map((entry) => entry.id.toHexString());
  const create = async (ownerId: string, name: string) => {
    const response = await service.as(ownerId).post('/api/projects', { name });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  it('lists the projects stored before the lists existed, newest first, and a second pass adds nothing', async () => {
    expect((await list('old-owner')).items.map((item) => item.id)).toEqual([newer.toHexString(), older.toHexString()]);
    const again = await addUnlistedProjects(db.connection, await createOwnerLockRepository(db.connection), () => new Date());
    expect(again).toEqual({ added: 0, skipped: 0 });
    expect(await listedIds('old-owner')).toHaveLength(2);
  });

  it('lists all of 10 projects one owner creates at the same time, each once', async () => {
    const created = await Promise.all(Array.from({ length: 10 }, (_, index) => create('busy-owner', `parallel ${index}`)));
    const page = await list('busy-owner', '?limit=100');
    expect(page.items.map((item) => item.id).sort()).toEqual([...created].sort());
    expect((await listedIds('busy-owner'))?.sort()).toEqual([...created].sort());
  });

  it('reads the list and its projects by `_id` alone', async () => {
    await create('reader', 'one');
    await create('reader', 'two');
    const filters: Array<{ collection: string; keys: string[] }> = [];
    mongoose.set('debug', (collection: string, method: string, filter: Record<string, unknown>) => {
      if (method.startsWith('find')) filters.push({ collection, keys: Object.keys(filter ?? {}) });
    });
    try {
      expect((await list('reader')).items).toHaveLength(2);
    } finally {
      mongoose.set('debug', false);
    }
    expect(filters.filter((query) => query.collection === 'owner_projects' || query.collection === 'projects')).toEqual([
      { collection: 'owner_projects', keys: ['_id'] },
      { collection: 'projects', keys: ['_id'] },
      { collection: 'projects', keys: ['_id'] },
    ]);
  });

  it('skips an entry whose project is gone (a crash between the two writes) and still fills every page', async () => {
    const ids = [await create('crashed', 'a'), await create('crashed', 'b'), await create('crashed', 'c')];
    const gone = { id: new Types.ObjectId(), createdAt: new Date(Date.now() + 60_000) }; // would be listed first
    await db.connection.collection('owner_projects').updateOne({ _id: 'crashed' as never }, { $push: { projects: gone } as never });
    const first = await list('crashed', '?limit=2');
    expect(first.items.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    const second = await list('crashed', `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.items.map((item) => item.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it('drops a deleted project from its owner\'s list', async () => {
    const kept = await create('tidy', 'kept');
    const removed = await create('tidy', 'removed');
    expect((await service.as('tidy').delete(`/api/projects/${removed}`)).status).toBe(204);
    expect((await list('tidy')).items.map((item) => item.id)).toEqual([kept]);
    expect(await listedIds('tidy')).toEqual([kept]);
  });
});

import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';
import { createJobSlots } from '../src/data/job-slots';

describe("the owners' places against the real database", () => {
  let db: MongoHandle;
  beforeAll(async () => {
    db = await connectMongo({ url: testMongoUrl(), dbName: uniqueDbName('pdf_slots'), logger: createCapturingLogger('test-db').logger });
  });
  afterAll(async () => {
    await db?.connection.dropDatabase();
    await db?.close();
  });

  it('knows which places its own jobs hold, and no longer once a job frees its place', async () => {
    const here = createJobSlots(db.connection);
    const elsewhere = createJobSlots(db.connection); // another replica
    expect(await here.claim('ana', 0, 'job-a')).toEqual({ claimed: true });
    expect(await elsewhere.claim('ana', 1, 'job-b')).toEqual({ claimed: true });
    expect(await here.claim('ana', 1, 'job-c')).toEqual({ claimed: false, heldBy: 'job-b' });
    expect([...here.takenHere('ana')]).toEqual([0]);
    expect([...elsewhere.takenHere('ana')]).toEqual([1]);
    expect([...here.takenHere('bob')]).toEqual([]);

    await here.free('ana', 0, 'another-job'); // not the holder: nothing changes
    expect([...here.takenHere('ana')]).toEqual([0]);
    await here.free('ana', 0, 'job-a');
    expect([...here.takenHere('ana')]).toEqual([]);
    expect(await elsewhere.claim('ana', 0, 'job-d')).toEqual({ claimed: true });
  });
});

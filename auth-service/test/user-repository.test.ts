import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';
import { createUserRepository } from '../src/data/user-repository';
import type { UserRepository } from '../src/domain/ports';

/** The filters the repository sends, collection by collection (mongoose's debug hook). */
type Query = { collection: string; method: string; filter: Record<string, unknown> };

/*
 * The embedded database reads a whole collection for any filter but `_id`: a sign-in must find its user by
 * `_id` lookups only, however many users there are.
 */
describe('users found by email through keys, on the real database', () => {
  let db: MongoHandle;
  let users: UserRepository;
  let queries: Query[] = [];
  const account = (email: string) => ({ email, name: 'Ada', passwordHash: 'hash', createdAt: new Date(), lastLoginAt: null });

  beforeAll(async () => {
    db = await connectMongo({ url: testMongoUrl(), dbName: uniqueDbName('users'), logger: createCapturingLogger('test-db').logger });
    db.connection.set('debug', (collection: string, method: string, filter: Record<string, unknown>) => queries.push({ collection, method, filter }));
    users = await createUserRepository(db.connection);
  });
  afterAll(async () => {
    await db?.connection.dropDatabase();
    await db?.close();
  });
  beforeEach(() => {
    queries = [];
  });

  const reads = () => queries.filter((query) => query.method === 'findOne');

  it('finds a registered user with `_id` lookups only', async () => {
    const created = await users.create(account('keyed@example.com'));
    queries = [];
    const found = await users.findByEmail('keyed@example.com');
    expect(found?.id).toBe(created.id);
    expect(reads().map((query) => Object.keys(query.filter))).toEqual([['_id'], ['_id']]);
  });

  it('finds a user stored without a key (an older version, a crash) and keys it for the next time', async () => {
    const { insertedId } = await db.connection.collection('users').insertOne(account('old@example.com'));
    expect((await users.findByEmail('old@example.com'))?.id).toBe(insertedId.toHexString());
    queries = [];
    expect((await users.findByEmail('old@example.com'))?.id).toBe(insertedId.toHexString());
    expect(reads().map((query) => Object.keys(query.filter))).toEqual([['_id'], ['_id']]);
  });

  it('refuses a second account for an email and keeps the first one found', async () => {
    const first = await users.create(account('twice@example.com'));
    await expect(users.create(account('twice@example.com'))).rejects.toMatchObject({ status: 409 });
    expect((await users.findByEmail('twice@example.com'))?.id).toBe(first.id);
  });

  it('forgets a deleted user and lets the email be registered again', async () => {
    const gone = await users.create(account('again@example.com'));
    await users.delete(gone.id);
    expect(await users.findByEmail('again@example.com')).toBeUndefined();
    expect(await db.connection.collection('user_emails').findOne({ _id: 'again@example.com' as never })).toBeNull();
    const back = await users.create(account('again@example.com'));
    expect((await users.findByEmail('again@example.com'))?.id).toBe(back.id);
  });

  it('does not follow a key to a user whose email changed hands', async () => {
    const owner = await users.create(account('moved@example.com'));
    const other = await users.create(account('other@example.com'));
    await db.connection.collection('user_emails').updateOne({ _id: 'other@example.com' as never }, { $set: { userId: owner.id } });
    expect((await users.findByEmail('other@example.com'))?.id).toBe(other.id);
  });
});

import { Schema } from 'mongoose';
import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../test/support/test-env';

describe('mongoose on the embedded database', () => {
  let mongo: MongoHandle;
  beforeAll(async () => {
    mongo = await connectMongo({ url: testMongoUrl(), dbName: uniqueDbName('kit'), logger: createCapturingLogger('test').logger });
  });
  afterAll(() => mongo.close());

  it('round-trips documents: unique index, upsert, findOneAndUpdate, count, delete', async () => {
    const Item = mongo.connection.model('Item', new Schema({ key: { type: String, required: true, unique: true }, hits: { type: Number, default: 0 }, 'field.with.dots': String }));
    await Item.init();
    expect(mongo.isConnected()).toBe(true);

    await Item.create({ key: 'a' });
    await expect(Item.create({ key: 'a' })).rejects.toMatchObject({ code: 11000 });

    await Item.updateOne({ key: 'b' }, { $set: { hits: 5 } }, { upsert: true });
    const bumped = await Item.findOneAndUpdate({ key: 'b' }, { $inc: { hits: 1 } }, { returnDocument: 'after' }).lean();
    expect(bumped?.hits).toBe(6);
    expect(await Item.countDocuments()).toBe(2);

    // sanitizeFilter: an operator smuggled in as a value is wrapped in $eq and fails to cast, never matching everything.
    await expect(Item.countDocuments({ key: { $ne: null } as unknown as string })).rejects.toThrow(/Cast to string failed/);

    await Item.deleteOne({ key: 'a' });
    expect(await Item.countDocuments()).toBe(1);
  });
});

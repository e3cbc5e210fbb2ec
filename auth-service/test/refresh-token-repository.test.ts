import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { createLogger } from '@playbook/kit';
import { createRefreshTokenRepository } from '../src/data/refresh-token-repository';
import type { RefreshTokenRepository } from '../src/domain/ports';
import { hashRefreshToken, newRefreshToken } from '../src/domain/token-issuer';
import { testMongoUrl, uniqueDbName } from '../../test/support/test-env';

describe('refresh token repository (real embedded database)', () => {
  const logger = createLogger({ service: 'test', level: 'error' });
  let connection: Connection;
  let tokens: RefreshTokenRepository;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testMongoUrl(), { dbName: uniqueDbName('auth_tokens') }).asPromise();
    tokens = await createRefreshTokenRepository(connection, logger);
  });
  afterAll(async () => {
    await connection?.close();
  });

  const inAnHour = () => new Date(Date.now() + 3600_000);
  const storedToken = async (userId = 'user-1', familyId = randomUUID()) => {
    const tokenHash = hashRefreshToken(newRefreshToken());
    await tokens.insert({ tokenHash, familyId, userId, expiresAt: inAnHour() });
    return { tokenHash, familyId, userId };
  };

  it('lets exactly one of 20 concurrent spends of one token win, and leaves it spent', async () => {
    const { tokenHash, familyId } = await storedToken();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => tokens.spend(tokenHash, new Date())));
    const winners = outcomes.filter((outcome) => outcome !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ tokenHash, familyId, state: 'spent' });
    expect(await tokens.find(tokenHash)).toMatchObject({ state: 'spent' });
  });

  it('stores a token under its hash and refuses to spend it once expired', async () => {
    const { tokenHash, userId } = await storedToken();
    expect(await connection.collection('refresh_tokens').findOne({ _id: tokenHash as never })).toMatchObject({ tokenHash, userId, state: 'active' });
    await expect(tokens.spend(tokenHash, new Date(Date.now() + 2 * 3600_000))).resolves.toBeUndefined();
    await expect(tokens.spend(hashRefreshToken('unknown'), new Date())).resolves.toBeUndefined();
    expect(await tokens.find(tokenHash)).toMatchObject({ state: 'active' });
  });

  it('keeps a login alive until revoked; revoking twice at once, or a login it never saw start, works', async () => {
    const familyId = randomUUID();
    await tokens.startFamily(familyId, 'user-1');
    expect(await tokens.isFamilyRevoked(familyId)).toBe(false);
    await Promise.all([tokens.revokeFamily(familyId), tokens.revokeFamily(familyId)]);
    expect(await tokens.isFamilyRevoked(familyId)).toBe(true);

    const older = randomUUID();
    expect(await tokens.isFamilyRevoked(older)).toBe(false);
    await Promise.all(Array.from({ length: 5 }, () => tokens.revokeFamily(older)));
    expect(await tokens.isFamilyRevoked(older)).toBe(true);
  });

  it('deletes a user\'s tokens and logins, and no one else\'s', async () => {
    const userId = `user-${randomUUID()}`;
    const mine = await storedToken(userId);
    await tokens.startFamily(mine.familyId, userId);
    const unstarted = await storedToken(userId); // a login of the previous version, revoked since
    await tokens.revokeFamily(unstarted.familyId);
    const theirs = await storedToken('someone-else');
    await tokens.startFamily(theirs.familyId, 'someone-else');

    await tokens.deleteForUser(userId);
    expect(await tokens.find(mine.tokenHash)).toBeUndefined();
    expect(await tokens.find(unstarted.tokenHash)).toBeUndefined();
    const families = connection.collection<{ _id: string }>('refresh_token_families');
    expect(await families.countDocuments({ _id: mine.familyId })).toBe(0);
    expect(await families.countDocuments({ _id: unstarted.familyId })).toBe(0);
    expect(await tokens.find(theirs.tokenHash)).toMatchObject({ state: 'active' });
    expect(await families.countDocuments({ _id: theirs.familyId })).toBe(1);
  });

  it('still finds, spends and revokes tokens stored by the previous version (ObjectId `_id`)', async () => {
    const db = await mongoose.createConnection(testMongoUrl(), { dbName: uniqueDbName('auth_legacy') }).asPromise();
    try {
      const legacy = (expiresAt: Date) => ({
        tokenHash: hashRefreshToken(newRefreshToken()),
        familyId: randomUUID(),
        userId: 'user-1',
        state: 'active',
        expiresAt,
        createdAt: new Date(),
      });
      const soon = legacy(new Date(Date.now() + 60_000));
      const later = legacy(inAnHour());
      await db.collection('refresh_tokens').insertMany([soon, later]);
      const repository = await createRefreshTokenRepository(db, logger);

      expect(await repository.find(soon.tokenHash)).toMatchObject({ familyId: soon.familyId, state: 'active' });
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => repository.spend(soon.tokenHash, new Date())));
      expect(outcomes.filter((outcome) => outcome !== undefined)).toEqual([expect.objectContaining({ familyId: soon.familyId, state: 'spent' })]);
      expect(await repository.find(soon.tokenHash)).toMatchObject({ state: 'spent' });
      await repository.revokeFamily(later.familyId);
      expect(await repository.isFamilyRevoked(later.familyId)).toBe(true);
      await expect(repository.spend(later.tokenHash, new Date())).resolves.toMatchObject({ familyId: later.familyId });
    } finally {
      await db.close();
    }
  });
});

import { Schema, trusted, type Connection } from 'mongoose';
import type { Logger } from '@playbook/kit';
import type { RefreshTokenRecord, RefreshTokenRepository } from '../domain/ports';
import { ensureTtlIndex } from './indexes';

const COLLECTION = 'refresh_tokens';

interface RefreshTokenDocument extends RefreshTokenRecord {
  createdAt: Date;
}

const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    tokenHash: { type: String, required: true, unique: true },
    familyId: { type: String, required: true, index: true },
    userId: { type: String, required: true, index: true },
    state: { type: String, required: true, enum: ['active', 'spent', 'revoked'] },
    // A TTL index on expiresAt is added by createRefreshTokenRepository where the server supports it.
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: COLLECTION, versionKey: false },
);

/**
 * The only code that knows how refresh tokens are stored; resolves once the schema's indexes and the expiry
 * index (where the server has TTL indexes) exist.
 */
export async function createRefreshTokenRepository(connection: Connection, logger: Logger): Promise<RefreshTokenRepository> {
  const RefreshToken = connection.model<RefreshTokenDocument>('RefreshToken', refreshTokenSchema);
  await RefreshToken.init();
  await ensureTtlIndex(connection, COLLECTION, 'expiresAt', logger);
  const toRecord = (doc: RefreshTokenDocument): RefreshTokenRecord => ({
    tokenHash: doc.tokenHash,
    familyId: doc.familyId,
    userId: doc.userId,
    state: doc.state,
    expiresAt: doc.expiresAt,
  });

  return {
    async insert(token) {
      await RefreshToken.create({ ...token, state: 'active', createdAt: new Date() });
    },
    async spend(tokenHash, now) {
      // updateOne rather than findOneAndUpdate: FerretDB v1 lacks findAndModify with a projection.
      const result = await RefreshToken.updateOne({ tokenHash, state: 'active', expiresAt: trusted({ $gt: now }) }, { $set: { state: 'spent' } });
      if (result.modifiedCount !== 1) return undefined;
      const doc = await RefreshToken.findOne({ tokenHash }).lean();
      return doc ? toRecord(doc) : undefined;
    },
    async find(tokenHash) {
      const doc = await RefreshToken.findOne({ tokenHash }).lean();
      return doc ? toRecord(doc) : undefined;
    },
    async revokeFamily(familyId) {
      await RefreshToken.updateMany({ familyId, state: trusted({ $ne: 'revoked' }) }, { $set: { state: 'revoked' } });
    },
    async isFamilyRevoked(familyId) {
      return (await RefreshToken.exists({ familyId, state: 'revoked' })) !== null;
    },
    async deleteForUser(userId) {
      await RefreshToken.deleteMany({ userId });
    },
  };
}

import { Schema, trusted, type Connection } from 'mongoose';
import type { Logger } from '@playbook/shared';
import { ensureTtlIndex } from './indexes';

export type RefreshTokenState = 'active' | 'spent' | 'revoked';

/** One refresh token of a login ("family"); only the token's hash is stored. */
export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  state: RefreshTokenState;
  expiresAt: Date;
}

interface RefreshTokenDocument extends RefreshTokenRecord {
  createdAt: Date;
}

const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    tokenHash: { type: String, required: true, unique: true },
    familyId: { type: String, required: true, index: true },
    userId: { type: String, required: true, index: true },
    state: { type: String, required: true, enum: ['active', 'spent', 'revoked'] },
    // A TTL index on expiresAt is added by ensureRefreshTokenIndexes where the server supports it.
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'refresh_tokens', versionKey: false },
);

export interface RefreshTokenRepository {
  insert(token: Omit<RefreshTokenRecord, 'state'>): Promise<void>;
  /**
   * Atomically turns an active, unexpired token into a spent one. Returns it when this call won; two
   * concurrent refreshes with one token cannot both succeed.
   */
  spend(tokenHash: string, now: Date): Promise<RefreshTokenRecord | undefined>;
  find(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  revokeFamily(familyId: string): Promise<void>;
  isFamilyRevoked(familyId: string): Promise<boolean>;
  deleteForUser(userId: string): Promise<void>;
}

export function createRefreshTokenRepository(connection: Connection): RefreshTokenRepository {
  const RefreshToken = connection.model<RefreshTokenDocument>('RefreshToken', refreshTokenSchema);
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

/** The expiry index (where the server has TTL indexes) besides the ones the schema declares. */
export async function ensureRefreshTokenIndexes(connection: Connection, logger: Logger): Promise<void> {
  await ensureTtlIndex(connection, 'refresh_tokens', 'expiresAt', logger);
}

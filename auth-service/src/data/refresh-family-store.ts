import { upsertRacing } from '@playbook/kit/mongo';
import { Schema, trusted, type Connection } from 'mongoose';

const FAMILIES = 'refresh_token_families';

/** One login: every refresh token descended from it shares its `_id`. */
interface RefreshFamilyDocument {
  _id: string;
  /** Missing on a login of the previous version, whose document is first written when it is revoked. */
  userId?: string;
  revoked: boolean;
  createdAt: Date;
}

const refreshFamilySchema = new Schema<RefreshFamilyDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, index: true },
    revoked: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: FAMILIES, versionKey: false },
);

/**
 * The refresh token families (logins), read and written by `_id` so that checking one costs the same however
 * many are stored; part of the refresh token repository.
 */
export async function createRefreshFamilyStore(connection: Connection) {
  const Family = connection.model<RefreshFamilyDocument>('RefreshTokenFamily', refreshFamilySchema);
  await Family.init();

  return {
    async start(familyId: string, userId: string): Promise<void> {
      await Family.create({ _id: familyId, userId, revoked: false, createdAt: new Date() });
    },
    async revoke(familyId: string): Promise<void> {
      await upsertRacing(() => Family.updateOne({ _id: familyId }, { $set: { revoked: true }, $setOnInsert: { createdAt: new Date() } }, { upsert: true }));
    },
    async isRevoked(familyId: string): Promise<boolean> {
      // The filter is `_id` alone (not `{_id, revoked}`): any other filter scans on FerretDB's SQLite backend.
      const family = await Family.findOne({ _id: familyId }).lean();
      return family?.revoked === true;
    },
    /** The user's families, and those of the previous version among `familyIds` (they have no userId). */
    async deleteForUser(userId: string, familyIds: string[]): Promise<void> {
      await Family.deleteMany({ userId });
      if (familyIds.length > 0) await Family.deleteMany({ _id: trusted({ $in: familyIds }) });
    },
  };
}

import { Schema, type Connection } from 'mongoose';
import { ConflictError } from '@playbook/kit';
import type { UserRecord, UserRepository } from '../domain/ports';

interface UserDocument {
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

const userSchema = new Schema<UserDocument>(
  {
    // Stored normalized (trimmed, lower-cased) by the use cases; the unique index makes duplicates impossible.
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastLoginAt: { type: Date, default: null },
  },
  { collection: 'users', versionKey: false },
);

const DUPLICATE_KEY = 11000;

/** The only code that knows how users are stored; resolves once the unique email index exists. */
export async function createUserRepository(connection: Connection): Promise<UserRepository> {
  const User = connection.model<UserDocument>('User', userSchema);
  await User.init();
  const toRecord = (doc: UserDocument & { _id: unknown }): UserRecord => ({
    id: String(doc._id),
    email: doc.email,
    name: doc.name,
    passwordHash: doc.passwordHash,
    createdAt: doc.createdAt,
    lastLoginAt: doc.lastLoginAt ?? null,
  });
  const isObjectId = (id: string) => /^[0-9a-f]{24}$/.test(id);

  return {
    async create(user) {
      try {
        const created = await User.create(user);
        return toRecord(created.toObject());
      } catch (error) {
        if ((error as { code?: number }).code === DUPLICATE_KEY) throw new ConflictError('An account with this email already exists');
        throw error;
      }
    },
    async findByEmail(email) {
      const doc = await User.findOne({ email }).lean();
      return doc ? toRecord(doc) : undefined;
    },
    async findById(id) {
      if (!isObjectId(id)) return undefined;
      const doc = await User.findById(id).lean();
      return doc ? toRecord(doc) : undefined;
    },
    async recordLogin(id, at, newPasswordHash) {
      await User.updateOne({ _id: id }, { $set: { lastLoginAt: at, ...(newPasswordHash ? { passwordHash: newPasswordHash } : {}) } });
    },
    async delete(id) {
      if (isObjectId(id)) await User.deleteOne({ _id: id });
    },
  };
}

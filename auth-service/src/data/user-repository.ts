import { Schema, type Connection, type Types } from 'mongoose';
import { ConflictError } from '@playbook/kit';
import { isDuplicateKey, upsertRacing } from '@playbook/kit/mongo';
import type { UserRecord, UserRepository } from '../domain/ports';

interface UserDocument {
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

/** Which user an email belongs to, keyed by the email itself. */
interface EmailKeyDocument {
  _id: string;
  userId: Types.ObjectId;
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

/*
 * The embedded database answers only a lookup by `_id` without reading the whole collection, so a sign-in
 * finds its user through `user_emails` (the email as `_id`) instead of by the `email` field. The users'
 * unique index still decides who gets an email; an email key is written after its user and repaired on a
 * miss, so a key lost to a crash, or a user registered by an older version, is found the slow way once. An
 * email without an account always takes the slow way: a failed sign-in, which the login throttle limits.
 */
const emailKeySchema = new Schema<EmailKeyDocument>({ _id: String, userId: { type: Schema.Types.ObjectId, required: true } }, { collection: 'user_emails', versionKey: false });

/** The only code that knows how users are stored; resolves once the unique email index exists. */
export async function createUserRepository(connection: Connection): Promise<UserRepository> {
  const User = connection.model<UserDocument>('User', userSchema);
  const EmailKey = connection.model<EmailKeyDocument>('UserEmail', emailKeySchema);
  await Promise.all([User.init(), EmailKey.init()]);
  const toRecord = (doc: UserDocument & { _id: unknown }): UserRecord => ({
    id: String(doc._id),
    email: doc.email,
    name: doc.name,
    passwordHash: doc.passwordHash,
    createdAt: doc.createdAt,
    lastLoginAt: doc.lastLoginAt ?? null,
  });
  const isObjectId = (id: string) => /^[0-9a-f]{24}$/.test(id);
  const keyEmail = (email: string, userId: Types.ObjectId) => upsertRacing(() => EmailKey.updateOne({ _id: email }, { $set: { userId } }, { upsert: true }));

  return {
    async create(user) {
      let created;
      try {
        created = await User.create(user);
      } catch (error) {
        if (isDuplicateKey(error)) throw new ConflictError('An account with this email already exists');
        throw error;
      }
      await keyEmail(user.email, created._id);
      return toRecord(created.toObject());
    },
    async findByEmail(email) {
      const key = await EmailKey.findOne({ _id: email }).lean();
      const keyed = key ? await User.findById(key.userId).lean() : null;
      if (keyed?.email === email) return toRecord(keyed);
      const found = await User.findOne({ email }).lean();
      if (!found) return undefined;
      await keyEmail(email, found._id);
      return toRecord(found);
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
      if (!isObjectId(id)) return;
      const doc = await User.findById(id, { email: 1 }).lean();
      await User.deleteOne({ _id: id });
      if (doc) await EmailKey.deleteOne({ _id: doc.email });
    },
  };
}

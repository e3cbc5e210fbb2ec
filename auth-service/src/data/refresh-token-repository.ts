import { insertClaim } from '@playbook/kit/mongo';
import { Schema, trusted, type Connection } from 'mongoose';
import type { Logger } from '@playbook/kit';
import type { RefreshTokenRecord, RefreshTokenRepository } from '../domain/ports';
import { createRefreshFamilyStore } from './refresh-family-store';
import { ensureTtlIndex } from './indexes';

const TOKENS = 'refresh_tokens';
const CLAIMS = 'refresh_token_claims';

/**
 * `_id` is the token hash. Tokens stored by the previous version have an ObjectId `_id` and are found by
 * `tokenHash`, which every token keeps: that version's unique index on it must hold for new tokens too.
 */
interface RefreshTokenDocument extends RefreshTokenRecord {
  _id: unknown;
  createdAt: Date;
}

const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    _id: { type: Schema.Types.Mixed, required: true },
    tokenHash: { type: String, required: true, unique: true },
    familyId: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    state: { type: String, required: true, enum: ['active', 'spent', 'revoked'] },
    // A TTL index on expiresAt is added by createRefreshTokenRepository where the server supports it.
    expiresAt: { type: Date, required: true },
    loginStartedAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { collection: TOKENS, versionKey: false },
);

/** A spent token: inserting it is the claim, since a taken `_id` is the one write FerretDB v1 refuses atomically. */
interface ClaimDocument {
  _id: string;
  expiresAt: Date;
}

const claimSchema = new Schema<ClaimDocument>(
  { _id: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { collection: CLAIMS, versionKey: false },
);

/**
 * The only code that knows how refresh tokens are stored; resolves once the indexes exist.
 *
 * A refresh reads and writes by `_id` only: FerretDB's SQLite backend (the embedded default) pushes down no
 * other filter and scans the whole collection, which there only grows, having no TTL indexes
 * (docs/benchmarks.md, "Embedded database backends"). Nor does FerretDB apply a conditional update atomically
 * (of 40 concurrent "update if v == 0", 3–6 won), so `spend` claims the token by inserting its hash.
 */
export async function createRefreshTokenRepository(connection: Connection, logger: Logger): Promise<RefreshTokenRepository> {
  const RefreshToken = connection.model<RefreshTokenDocument>('RefreshToken', refreshTokenSchema);
  const Claim = connection.model<ClaimDocument>('RefreshTokenClaim', claimSchema);
  await Promise.all([RefreshToken.init(), Claim.init()]);
  await ensureTtlIndex(connection, TOKENS, 'expiresAt', logger);
  await ensureTtlIndex(connection, CLAIMS, 'expiresAt', logger);
  const families = await createRefreshFamilyStore(connection);
  // Tokens stored by the previous version (ObjectId `_id`) expire within one refresh TTL of being issued:
  // until the newest of them expires, an `_id` miss looks once for one by `tokenHash` (a scan on FerretDB);
  // after that a miss is final. The newest is found once, at start-up.
  const newestLegacy = await RefreshToken.findOne({ _id: trusted({ $type: 'objectId' }) }, { expiresAt: 1 }).sort({ expiresAt: -1 }).lean();
  const legacyUntil = newestLegacy?.expiresAt;

  const findDocument = async (tokenHash: string, now: Date) => {
    const doc = await RefreshToken.findOne({ _id: tokenHash }).lean();
    if (doc || !legacyUntil || now >= legacyUntil) return doc ?? undefined;
    return (await RefreshToken.findOne({ tokenHash }).lean()) ?? undefined;
  };
  const claim = (tokenHash: string, expiresAt: Date) => insertClaim(() => Claim.create({ _id: tokenHash, expiresAt }));
  const toRecord = (doc: RefreshTokenDocument): RefreshTokenRecord => ({
    tokenHash: doc.tokenHash,
    familyId: doc.familyId,
    userId: doc.userId,
    state: doc.state,
    expiresAt: doc.expiresAt,
    ...(doc.loginStartedAt ? { loginStartedAt: doc.loginStartedAt } : {}),
  });

  return {
    startFamily: families.start,
    async insert(token) {
      await RefreshToken.create({ _id: token.tokenHash, ...token, state: 'active', createdAt: new Date() });
    },
    async spend(tokenHash, now) {
      const doc = await findDocument(tokenHash, now);
      if (!doc || doc.state !== 'active' || doc.expiresAt <= now) return undefined;
      const won = await claim(tokenHash, doc.expiresAt);
      // Losers mark it too, so a claimed token reads as spent even if its winner never got that far.
      await RefreshToken.updateOne({ _id: doc._id }, { $set: { state: 'spent' } });
      return won ? { ...toRecord(doc), state: 'spent' } : undefined;
    },
    async find(tokenHash) {
      const doc = await findDocument(tokenHash, new Date());
      return doc ? toRecord(doc) : undefined;
    },
    revokeFamily: families.revoke,
    isFamilyRevoked: families.isRevoked,
    async deleteForUser(userId) {
      // Scans on FerretDB, which an account deletion can afford. Claims stay until they expire: they hold a
      // hash of a token that no longer exists, nothing of the user.
      const owned = await RefreshToken.find({ userId }, { familyId: 1 }).lean();
      await families.deleteForUser(userId, [...new Set(owned.map((token) => token.familyId))]);
      await RefreshToken.deleteMany({ userId });
    },
  };
}

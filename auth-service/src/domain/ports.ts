import type { AuditEvent } from '@playbook/contract';

/*
 * What the auth use cases need from the outside, as plain types: data/ implements the repositories and the
 * throttle over mongoose, messaging/ the events over NATS, and the composition root wires them.
 */

/** A user as the domain sees it; the hash never leaves auth-service. */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface UserRepository {
  /** 409 ConflictError when the (normalized) email is taken. */
  create(user: Omit<UserRecord, 'id'>): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  recordLogin(id: string, at: Date, newPasswordHash?: string): Promise<void>;
  delete(id: string): Promise<void>;
}

/** `revoked` only on tokens stored by the previous version; a revoked login is now its family's state. */
export type RefreshTokenState = 'active' | 'spent' | 'revoked';

/** One refresh token of a login ("family"); only the token's hash is stored. */
export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  state: RefreshTokenState;
  expiresAt: Date;
  /** When the login began; rotation copies it, so no chain of refreshes outlives the login's maximum age. Absent on tokens of the previous version. */
  loginStartedAt?: Date;
}

/** Every call but deleteForUser finds its documents by key, so a refresh costs the same however many tokens are stored. */
export interface RefreshTokenRepository {
  /** Starts a login: its family, not revoked, owned by the user. */
  startFamily(familyId: string, userId: string): Promise<void>;
  insert(token: Omit<RefreshTokenRecord, 'state'>): Promise<void>;
  /**
   * Turns an active, unexpired token into a spent one and returns it when this call won: of any number of
   * concurrent spends of one token exactly one wins. A call that loses leaves the token spent.
   */
  spend(tokenHash: string, now: Date): Promise<RefreshTokenRecord | undefined>;
  find(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Ends the login: no token of the family refreshes any more, whatever its own state. */
  revokeFamily(familyId: string): Promise<void>;
  isFamilyRevoked(familyId: string): Promise<boolean>;
  /** The user's tokens and families. */
  deleteForUser(userId: string): Promise<void>;
}

/** Sign-ups counted per client IP, shared by every replica. */
export interface RegistrationThrottle {
  /** Counts a sign-up from `ip`; the seconds to wait when that is one too many, else undefined. */
  consume(ip: string): Promise<number | undefined>;
}

/** Sign-in attempts counted per email and per client IP, shared by every replica. */
export interface LoginThrottle {
  /** Seconds to wait when this email or IP is throttled right now, else undefined. */
  retryAfter(email: string, ip: string): Promise<number | undefined>;
  /** Counts an attempt against the email and the IP before its password is checked; it stays counted unless it succeeds. */
  recordAttempt(email: string, ip: string): Promise<void>;
  /**
   * A successful sign-in clears the email's count and gives the IP back this one attempt (not its earlier failures:
   * one good account must not unlock spraying).
   */
  recordSuccess(email: string, ip: string): Promise<void>;
  /** At most one password check per email at a time: true when `turnId` now holds the email's turn. */
  claimTurn(email: string, turnId: string): Promise<boolean>;
  releaseTurn(email: string, turnId: string): Promise<void>;
}

export type AuditAction = AuditEvent['action'];

/** What the use cases tell the rest of the system. */
export interface AuthEvents {
  /** A log line and an `auth.v1.audit` event; never blocks or fails the request (the log line is the record of last resort). */
  audit(action: AuditAction, details: { userId?: string; ip?: string }): void;
  /** Waits until the event is stored: the other services delete the user's data when they get it. */
  userDeleted(userId: string): Promise<void>;
  /** Waits until the event is stored: every verifier refuses the session's access tokens from then on. */
  sessionRevoked(userId: string, sessionId: string): Promise<void>;
}

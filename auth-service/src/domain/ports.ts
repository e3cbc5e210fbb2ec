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

export type RefreshTokenState = 'active' | 'spent' | 'revoked';

/** One refresh token of a login ("family"); only the token's hash is stored. */
export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  state: RefreshTokenState;
  expiresAt: Date;
}

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

/** Failed logins counted per email and per client IP, shared by every replica. */
export interface LoginThrottle {
  /** Seconds to wait when this email or IP is throttled right now, else undefined. */
  retryAfter(email: string, ip: string): Promise<number | undefined>;
  recordFailure(email: string, ip: string): Promise<void>;
  /** A successful login clears the email's failures (not the IP's: one good account must not unlock spraying). */
  recordSuccess(email: string): Promise<void>;
}

export type AuditAction = AuditEvent['action'];

/** What the use cases tell the rest of the system. */
export interface AuthEvents {
  /** A log line and an `auth.v1.audit` event; never blocks or fails the request (the log line is the record of last resort). */
  audit(action: AuditAction, details: { userId?: string; ip?: string }): void;
  /** Waits until the event is stored: the other services delete the user's data when they get it. */
  userDeleted(userId: string): Promise<void>;
}

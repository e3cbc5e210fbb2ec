/** An ended login (`sessionId`), or every token of a user issued up to `atSeconds` (an account deleted). */
export interface Revocation {
  userId: string;
  sessionId?: string;
  atSeconds: number;
}

/** The claims a revocation is checked against. */
export interface RevocableClaims {
  sub: string;
  sid?: string;
  iat: number;
}

/**
 * The revocations a verifier has heard of, kept as long as a token they concern could still be valid
 * (`keepSeconds`, the longest access token lifetime): a token of an ended session, or of a user revoked at or
 * after the token was issued, is refused even when its signature and `exp` are fine.
 */
export class RevocationList {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, number>();

  constructor(private readonly keepSeconds: number) {}

  add(revocation: Revocation): void {
    if (revocation.sessionId !== undefined) this.sessions.set(revocation.sessionId, revocation.atSeconds);
    else this.users.set(revocation.userId, Math.max(revocation.atSeconds, this.users.get(revocation.userId) ?? 0));
  }

  isRevoked(claims: RevocableClaims): boolean {
    if (claims.sid !== undefined && this.sessions.has(claims.sid)) return true;
    const userRevokedAt = this.users.get(claims.sub);
    return userRevokedAt !== undefined && claims.iat <= userRevokedAt;
  }

  /** Forgets revocations older than any token they could concern. */
  prune(nowSeconds: number): void {
    for (const entries of [this.sessions, this.users]) {
      for (const [key, at] of entries) if (at < nowSeconds - this.keepSeconds) entries.delete(key);
    }
  }
}

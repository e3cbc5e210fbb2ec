import { type AuthSession } from '@playbook/contract';
import { UnauthorizedError } from '@playbook/kit';
import type { AuthDeps, Caller } from './auth-deps';
import { issueSession } from './issue-session';
import { hashRefreshToken } from './token-issuer';

const INVALID_REFRESH = 'The refresh token is invalid, expired or already used';

/**
 * Spends the refresh token and issues a new pair in the same family. A token that was already spent
 * means it leaked (or was replayed): the whole family is revoked, so the newest token stops working too
 * (refresh token rotation with reuse detection, OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
 */
export async function refreshSession(deps: AuthDeps, refreshToken: string, caller: Caller): Promise<AuthSession> {
  const tokenHash = hashRefreshToken(refreshToken);
  const spent = await deps.refreshTokens.spend(tokenHash, new Date());
  if (!spent) {
    const known = await deps.refreshTokens.find(tokenHash);
    if (known?.state === 'spent') {
      await deps.refreshTokens.revokeFamily(known.familyId);
      deps.events.audit('refresh.reuse_detected', { userId: known.userId, ip: caller.ip });
    }
    throw new UnauthorizedError(INVALID_REFRESH);
  }
  const user = await deps.users.findById(spent.userId);
  if (!user) throw new UnauthorizedError(INVALID_REFRESH);
  const session = await issueSession(deps, user, spent.familyId);
  // A replay of an older token may have revoked the family while this refresh was under way.
  if (await deps.refreshTokens.isFamilyRevoked(spent.familyId)) {
    await deps.refreshTokens.revokeFamily(spent.familyId);
    throw new UnauthorizedError(INVALID_REFRESH);
  }
  deps.events.audit('refresh', { userId: user.id, ip: caller.ip });
  return session;
}

import { type AuthSession } from '@playbook/contract';
import { UnauthorizedError } from '@playbook/kit';
import type { AuthDeps, Caller } from './auth-deps';
import { endLogin } from './end-login';
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
    // A spent token of a login still alive was replayed; one of a revoked login has nothing left to protect.
    if (known?.state === 'spent' && !(await deps.refreshTokens.isFamilyRevoked(known.familyId))) {
      await endLogin(deps, known.userId, known.familyId);
      deps.events.audit('refresh.reuse_detected', { userId: known.userId, ip: caller.ip });
    }
    throw new UnauthorizedError(INVALID_REFRESH);
  }
  const user = await deps.users.findById(spent.userId);
  if (!user) throw new UnauthorizedError(INVALID_REFRESH);
  // A token of the previous version does not know when its login began: its login counts from now.
  const session = await issueSession(deps, user, { familyId: spent.familyId, startedAt: spent.loginStartedAt ?? new Date() });
  // Checked once the new token exists, so it also catches a replay that revoked the login meanwhile; a login
  // ended earlier (logout, a replay) is refused here too, and its new token dies with the family.
  if (await deps.refreshTokens.isFamilyRevoked(spent.familyId)) throw new UnauthorizedError(INVALID_REFRESH);
  deps.events.audit('refresh', { userId: user.id, ip: caller.ip });
  return session;
}

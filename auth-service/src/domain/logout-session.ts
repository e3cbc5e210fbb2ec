import type { AuthDeps, Caller } from './auth-deps';
import { endLogin } from './end-login';
import { hashRefreshToken } from './token-issuer';

/** Ends the login (token family) the refresh token belongs to; a token of someone else's or an unknown one changes nothing. */
export async function logoutSession(deps: AuthDeps, userId: string, refreshToken: string, caller: Caller): Promise<void> {
  const token = await deps.refreshTokens.find(hashRefreshToken(refreshToken));
  if (token && token.userId === userId) await endLogin(deps, userId, token.familyId);
  deps.events.audit('logout', { userId, ip: caller.ip });
}

import { randomUUID } from 'node:crypto';
import type { AuthSession, UserView } from '@playbook/contract';
import type { AuthDeps } from './auth-deps';
import type { UserRecord } from './ports';
import { hashRefreshToken, newRefreshToken } from './token-issuer';

export const toUserView = (user: UserRecord): UserView => ({
  id: user.id,
  email: user.email,
  name: user.name,
  createdAt: user.createdAt.toISOString(),
  lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
});

/** A new access token and a refresh token in `familyId` (a new login when omitted). */
export async function issueSession(deps: AuthDeps, user: UserRecord, loginFamilyId?: string): Promise<AuthSession> {
  const { settings } = deps.tokens;
  const familyId = loginFamilyId ?? randomUUID();
  if (!loginFamilyId) await deps.refreshTokens.startFamily(familyId, user.id);
  const refreshToken = newRefreshToken();
  await deps.refreshTokens.insert({
    tokenHash: hashRefreshToken(refreshToken),
    familyId,
    userId: user.id,
    expiresAt: new Date(Date.now() + settings.refreshTokenTtlSeconds * 1000),
  });
  return {
    user: toUserView(user),
    accessToken: deps.tokens.signAccessToken(user),
    refreshToken,
    expiresIn: settings.accessTokenTtlSeconds,
  };
}

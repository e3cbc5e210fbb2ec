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

/** The login a refresh continues: its family and when it began. */
export interface ContinuedLogin {
  familyId: string;
  startedAt: Date;
}

/**
 * A new access token and a refresh token, in the login `continued` (a new login when omitted). The refresh
 * token expires after its TTL or when the login reaches its maximum age, whichever comes first.
 */
export async function issueSession(deps: AuthDeps, user: UserRecord, continued?: ContinuedLogin): Promise<AuthSession> {
  const { settings } = deps.tokens;
  const now = Date.now();
  const login = continued ?? { familyId: randomUUID(), startedAt: new Date(now) };
  if (!continued) await deps.refreshTokens.startFamily(login.familyId, user.id);
  const refreshToken = newRefreshToken();
  await deps.refreshTokens.insert({
    tokenHash: hashRefreshToken(refreshToken),
    familyId: login.familyId,
    userId: user.id,
    expiresAt: new Date(Math.min(now + settings.refreshTokenTtlSeconds * 1000, login.startedAt.getTime() + settings.loginMaxAgeSeconds * 1000)),
    loginStartedAt: login.startedAt,
  });
  return {
    user: toUserView(user),
    accessToken: deps.tokens.signAccessToken(user, login.familyId),
    refreshToken,
    expiresIn: settings.accessTokenTtlSeconds,
  };
}

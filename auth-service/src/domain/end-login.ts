import type { AuthDeps } from './auth-deps';

/**
 * Ends a login (a refresh token family): none of its refresh tokens refreshes again, and every verifier
 * refuses its access tokens as soon as the announcement reaches it (their `sid` is the family).
 */
export async function endLogin(deps: AuthDeps, userId: string, familyId: string): Promise<void> {
  await deps.refreshTokens.revokeFamily(familyId);
  await deps.events.sessionRevoked(userId, familyId);
}

import { TooManyRequestsError, UnauthorizedError } from '@playbook/kit';
import type { AuthDeps, Caller } from './auth-deps';
import { attemptPassword } from './password-attempt';

/**
 * Deletes the account after checking the current password (throttled like a login, so a stolen access
 * token cannot be used to guess it). The event goes out first and is stored by JetStream: if the
 * deletion then fails, a retry deletes and the other services have cleaned up idempotently.
 */
export async function deleteAccount(deps: AuthDeps, userId: string, password: string, caller: Caller): Promise<void> {
  const user = await deps.users.findById(userId);
  if (!user) throw new UnauthorizedError('The account no longer exists');
  const attempt = await attemptPassword(deps, user.email, caller, () => deps.passwords.verify(user.passwordHash, password));
  if (attempt.outcome === 'throttled') throw new TooManyRequestsError(attempt.retryAfter, 'Too many failed password attempts, retry later');
  if (attempt.outcome === 'failed') throw new UnauthorizedError('The password is incorrect');
  await deps.events.userDeleted(user.id);
  await deps.refreshTokens.deleteForUser(user.id);
  await deps.users.delete(user.id);
  deps.events.audit('account.deleted', { userId: user.id, ip: caller.ip });
}

import { type AuthSession, type LoginBody } from '@playbook/contract';
import { TooManyRequestsError, UnauthorizedError } from '@playbook/kit';
import { normalizeEmail, type AuthDeps, type Caller } from './auth-deps';
import { issueSession } from './issue-session';
import { attemptPassword } from './password-attempt';
import type { UserRecord } from './ports';

/** One answer for every bad credential, so it cannot tell whether an email has an account. */
export const BAD_CREDENTIALS = 'The email or password is incorrect';

/**
 * Checks the password (argon2 runs for unknown emails too: same answer, similar time), throttled per email and
 * IP (password-attempt.ts), and rehashes when the configured hash parameters changed.
 */
export async function loginUser(deps: AuthDeps, body: LoginBody, caller: Caller): Promise<AuthSession> {
  const email = normalizeEmail(body.email);
  let user: UserRecord | undefined;
  const attempt = await attemptPassword(deps, email, caller, async () => {
    user = await deps.users.findByEmail(email);
    return (await deps.passwords.verify(user?.passwordHash, body.password)) && user !== undefined;
  });
  if (attempt.outcome === 'throttled') {
    deps.events.audit('login.throttled', { ip: caller.ip });
    throw new TooManyRequestsError(attempt.retryAfter, 'Too many failed sign-in attempts, retry later');
  }
  if (attempt.outcome === 'failed' || !user) {
    deps.events.audit('login.failure', { userId: user?.id, ip: caller.ip });
    throw new UnauthorizedError(BAD_CREDENTIALS);
  }
  const now = new Date();
  const rehashed = deps.passwords.needsRehash(user.passwordHash) ? await deps.passwords.hash(body.password) : undefined;
  await deps.users.recordLogin(user.id, now, rehashed);
  deps.events.audit('login.success', { userId: user.id, ip: caller.ip });
  return issueSession(deps, { ...user, lastLoginAt: now });
}

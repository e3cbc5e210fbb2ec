import { type AuthSession, type LoginBody } from '@playbook/contract';
import { TooManyRequestsError, UnauthorizedError } from '@playbook/kit';
import { normalizeEmail, type AuthDeps, type Caller } from './auth-deps';
import { issueSession } from './issue-session';

/** One answer for every bad credential, so it cannot tell whether an email has an account. */
export const BAD_CREDENTIALS = 'The email or password is incorrect';

/**
 * Checks the password (argon2 runs for unknown emails too: same answer, similar time), throttles repeated
 * failures per email and IP, and rehashes when the configured hash parameters changed.
 */
export async function loginUser(deps: AuthDeps, body: LoginBody, caller: Caller): Promise<AuthSession> {
  const email = normalizeEmail(body.email);
  const retryAfter = await deps.throttle.retryAfter(email, caller.ip);
  if (retryAfter !== undefined) {
    deps.events.audit('login.throttled', { ip: caller.ip });
    throw new TooManyRequestsError(retryAfter, 'Too many failed sign-in attempts, retry later');
  }
  const user = await deps.users.findByEmail(email);
  if (!(await deps.passwords.verify(user?.passwordHash, body.password)) || !user) {
    await deps.throttle.recordFailure(email, caller.ip);
    deps.events.audit('login.failure', { userId: user?.id, ip: caller.ip });
    throw new UnauthorizedError(BAD_CREDENTIALS);
  }
  await deps.throttle.recordSuccess(email);
  const now = new Date();
  const rehashed = deps.passwords.needsRehash(user.passwordHash) ? await deps.passwords.hash(body.password) : undefined;
  await deps.users.recordLogin(user.id, now, rehashed);
  deps.events.audit('login.success', { userId: user.id, ip: caller.ip });
  return issueSession(deps, { ...user, lastLoginAt: now });
}

import type { AuthSession, RegisterBody } from '@playbook/contract';
import { TooManyRequestsError } from '@playbook/kit';
import { normalizeEmail, type AuthDeps, type Caller } from './auth-deps';
import { issueSession } from './issue-session';

/**
 * Creates the account (409 when the email is taken, 400 when the password is guessable) and signs in; 429 past
 * the sign-ups one network may make in an hour (each costs an argon2 hash and a zxcvbn check).
 */
export async function registerUser(deps: AuthDeps, body: RegisterBody, caller: Caller): Promise<AuthSession> {
  const retryAfter = await deps.registrations.consume(caller.ip);
  if (retryAfter !== undefined) throw new TooManyRequestsError(retryAfter, 'Too many sign-ups from this network, retry later');
  const email = normalizeEmail(body.email);
  deps.passwordPolicy.assertStrong(body.password, [email, ...email.split(/[@.]/), body.name]);
  const passwordHash = await deps.passwords.hash(body.password);
  const now = new Date();
  const user = await deps.users.create({ email, name: body.name, passwordHash, createdAt: now, lastLoginAt: now });
  deps.events.audit('register', { userId: user.id, ip: caller.ip });
  return issueSession(deps, user);
}

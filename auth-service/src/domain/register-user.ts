import type { AuthSession, RegisterBody } from '@playbook/contract';
import { normalizeEmail, type AuthDeps, type Caller } from './auth-deps';
import { issueSession } from './issue-session';

/** Creates the account (409 when the email is taken, 400 when the password is guessable) and signs in. */
export async function registerUser(deps: AuthDeps, body: RegisterBody, caller: Caller): Promise<AuthSession> {
  const email = normalizeEmail(body.email);
  deps.passwordPolicy.assertStrong(body.password, [email, ...email.split(/[@.]/), body.name]);
  const passwordHash = await deps.passwords.hash(body.password);
  const now = new Date();
  const user = await deps.users.create({ email, name: body.name, passwordHash, createdAt: now, lastLoginAt: now });
  deps.events.audit('register', { userId: user.id, ip: caller.ip });
  return issueSession(deps, user);
}

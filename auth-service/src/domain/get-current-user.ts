import { type UserView } from '@playbook/contract';
import { UnauthorizedError } from '@playbook/kit';
import type { AuthDeps } from './auth-deps';
import { toUserView } from './issue-session';

/** The signed-in user; a token that outlived its account is refused like any invalid token. */
export async function getCurrentUser(deps: AuthDeps, userId: string): Promise<UserView> {
  const user = await deps.users.findById(userId);
  if (!user) throw new UnauthorizedError('The account no longer exists');
  return toUserView(user);
}

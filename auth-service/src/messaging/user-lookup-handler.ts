import { userLookupRequestSchema, type UserLookupReply } from '@playbook/contract';
import { NotFoundError, type Logger } from '@playbook/kit';
import { serveRequests, type NatsHandle, type RequestResponder } from '@playbook/kit/nats';
import { normalizeEmail } from '../domain/auth-deps';
import type { UserRepository } from '../domain/ports';
import { AUTH_QUEUE_GROUP, USER_LOOKUP_SUBJECT } from './subjects';

/**
 * Answers `auth.v1.email.lookup`: the id of the account with an email, or a 404 reply. Only project-service may
 * ask (contract/src/nats-identities.ts), for an owner adding a member, after checking that the caller owns the
 * project (docs/teams.md says what that reveals).
 */
export function serveUserLookups(nats: NatsHandle, users: Pick<UserRepository, 'findByEmail'>, logger: Logger): RequestResponder {
  return serveRequests(nats, {
    subject: USER_LOOKUP_SUBJECT,
    schema: userLookupRequestSchema,
    queue: AUTH_QUEUE_GROUP,
    logger,
    handle: async ({ email }): Promise<UserLookupReply> => {
      const user = await users.findByEmail(normalizeEmail(email));
      if (!user) throw new NotFoundError('No account has this email');
      return { userId: user.id };
    },
  });
}

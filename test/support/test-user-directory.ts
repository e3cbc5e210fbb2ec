import { USER_LOOKUP_SUBJECT, userLookupRequestSchema } from '@playbook/contract';
import { createLogger, NotFoundError } from '@playbook/kit';
import { serveRequests, type NatsHandle } from '@playbook/kit/nats';

/**
 * For service tests that add project members but run no auth-service: answers `auth.v1.email.lookup` over the
 * suite's NATS as auth-service does, for the accounts `<userId>@example.com` (the email test tokens carry);
 * `forget` makes one unknown, as a deleted account is.
 */
export async function serveTestUserDirectory(nats: NatsHandle, isAccount: (userId: string) => boolean = () => true) {
  const forgotten = new Set<string>();
  const subscription = serveRequests(nats, {
    subject: USER_LOOKUP_SUBJECT,
    schema: userLookupRequestSchema,
    queue: 'test-user-directory',
    logger: createLogger({ service: 'test-user-directory', level: 'error' }),
    handle: async ({ email }) => {
      const userId = /^(.+)@example\.com$/.exec(email.trim().toLowerCase())?.[1];
      if (userId === undefined || forgotten.has(userId) || !isAccount(userId)) throw new NotFoundError('No account has this email');
      return { userId };
    },
  });
  await nats.connection.flush();
  return { forget: (userId: string) => void forgotten.add(userId), stop: () => subscription.stop() };
}

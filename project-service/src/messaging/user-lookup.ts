import { userLookupReplySchema } from '@playbook/contract';
import { AppError, type ServiceMetrics } from '@playbook/kit';
import { natsRequest, type NatsHandle } from '@playbook/kit/nats';
import type { UserDirectory } from '../domain/ports';
import { USER_LOOKUP_SUBJECT } from './subjects';

/** Asks auth-service who an email belongs to (`auth.v1.email.lookup`); its 404 reply is "no such account". */
export function createUserDirectory(nats: NatsHandle, options: { timeoutMs: number; metrics?: ServiceMetrics }): UserDirectory {
  return {
    async findUserIdByEmail(email) {
      try {
        const { userId } = await natsRequest(nats, { subject: USER_LOOKUP_SUBJECT, payload: { email }, responseSchema: userLookupReplySchema, ...options });
        return userId;
      } catch (error) {
        if (error instanceof AppError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}

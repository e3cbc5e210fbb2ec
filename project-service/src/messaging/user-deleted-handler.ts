import { userDeletedEventSchema } from '@playbook/contract';
import { consumeEvents, type MessageConsumer, type NatsHandle } from '@playbook/kit/nats';
import { deleteUserData } from '../domain/delete-user-data';
import type { ProjectDeps } from '../domain/project-deps';
import { USER_DELETED_DURABLE, USER_DELETED_SUBJECT } from './subjects';

/** Deletes a deleted user's projects and answers and their memberships; durable, so deletions made while this service was down still arrive. */
export function consumeUserDeletions(nats: NatsHandle, deps: ProjectDeps): Promise<MessageConsumer> {
  return consumeEvents(nats, {
    durable: USER_DELETED_DURABLE,
    subject: USER_DELETED_SUBJECT,
    schema: userDeletedEventSchema,
    logger: deps.logger,
    handle: async ({ userId }) => {
      const removed = await deleteUserData(deps, userId);
      deps.logger.info(`user ${userId} deleted: removed ${removed.projects} project(s) with ${removed.answerSets} set(s) of answers, left ${removed.memberships} shared project(s)`);
    },
  });
}

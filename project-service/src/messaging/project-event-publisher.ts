import { type ProjectDeletedEvent, type ProjectUpdatedEvent } from '@playbook/contract';
import { randomUUID } from 'node:crypto';
import { type Logger } from '@playbook/kit';
import { publishEvent, type NatsHandle } from '@playbook/kit/nats';
import type { ProjectEvents } from '../domain/ports';
import { memberIdsOf } from '../domain/project-roles';
import { PROJECT_DELETED_SUBJECT, PROJECT_MEMBERSHIP_CHANGED_SUBJECT, PROJECT_UPDATED_SUBJECT } from './subjects';

/**
 * Publishes project events to JetStream. The change is already stored when this runs, so a failed
 * publish is logged, not turned into an error the client would retry: the content version in every
 * snapshot stays the source of truth for caches. Event ids make a repeated publish a no-op.
 */
export function createProjectEventPublisher(nats: NatsHandle, logger: Logger): ProjectEvents {
  const publish = async (subject: string, payload: unknown, eventId: string) => {
    try {
      await publishEvent(nats, subject, payload, eventId);
    } catch (error) {
      logger.warn(`could not publish ${subject} (${eventId}): ${(error as Error).message}`);
    }
  };
  return {
    projectUpdated: (project) => {
      const event: ProjectUpdatedEvent = {
        projectId: project.id,
        ownerId: project.ownerId,
        memberIds: memberIdsOf(project),
        contentVersion: project.contentVersion,
        updatedAt: project.updatedAt.toISOString(),
      };
      return publish(PROJECT_UPDATED_SUBJECT, event, `project-updated-${project.id}-${project.contentVersion}`);
    },
    projectDeleted: (project) => {
      const event: ProjectDeletedEvent = { projectId: project.id, ownerId: project.ownerId, memberIds: memberIdsOf(project) };
      return publish(PROJECT_DELETED_SUBJECT, event, `project-deleted-${project.id}`);
    },
    // Each change is its own event: the same member may be added, removed and added again within the duplicate window.
    membershipChanged: (event) => publish(PROJECT_MEMBERSHIP_CHANGED_SUBJECT, event, `project-membership-${event.projectId}-${event.userId}-${randomUUID()}`),
  };
}

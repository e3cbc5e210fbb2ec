import {
  CLIENT_EVENT,
  PDF_JOB_UPDATED_SUBJECT,
  PROJECT_DELETED_SUBJECT,
  PROJECT_MEMBERSHIP_CHANGED_SUBJECT,
  PROJECT_UPDATED_SUBJECT,
  pdfJobUpdatedEventSchema,
  projectDeletedEventSchema,
  projectMembershipChangedEventSchema,
  projectUpdatedEventSchema,
  type ClientEvent,
} from '@playbook/contract';

/** A service event as the browser hears of it, and who may hear of it. */
export interface RoutedEvent {
  /** The users whose streams carry the event; nobody else's ever does. */
  audience: ReadonlySet<string>;
  event: ClientEvent;
}

/** Where a finished job's PDF is downloaded (GET /api/pdf/jobs/:jobId/file, contract/src/pdf-routes.ts). */
export const pdfFileUrl = (jobId: string) => `/api/pdf/jobs/${encodeURIComponent(jobId)}/file`;

const audienceOf = (...groups: ReadonlyArray<string | readonly string[]>) => new Set(groups.flat());

/**
 * Decides which service event goes to which user, and what of it they see: a PDF job to the user who asked for
 * it (its `ownerId`); a project change to its owner and every member; a membership change to the member it is
 * about (also when removed), the owner and the members after the change. An unknown subject or a malformed event
 * goes to nobody.
 */
export function routeClientEvent(subject: string, data: unknown): RoutedEvent | undefined {
  switch (subject) {
    case PDF_JOB_UPDATED_SUBJECT: {
      const parsed = pdfJobUpdatedEventSchema.safeParse(data);
      if (!parsed.success) return undefined;
      const { jobId, projectId, ownerId, status, error } = parsed.data;
      const eventData = { jobId, projectId, status, ...(error ? { error } : {}), ...(status === 'done' ? { fileUrl: pdfFileUrl(jobId) } : {}) };
      return { audience: audienceOf(ownerId), event: { event: CLIENT_EVENT.pdfJob, data: eventData } };
    }
    case PROJECT_UPDATED_SUBJECT: {
      const parsed = projectUpdatedEventSchema.safeParse(data);
      if (!parsed.success) return undefined;
      const { projectId, ownerId, memberIds, contentVersion, updatedAt } = parsed.data;
      return { audience: audienceOf(ownerId, memberIds), event: { event: CLIENT_EVENT.projectUpdated, data: { projectId, contentVersion, updatedAt } } };
    }
    case PROJECT_DELETED_SUBJECT: {
      const parsed = projectDeletedEventSchema.safeParse(data);
      if (!parsed.success) return undefined;
      const { projectId, ownerId, memberIds } = parsed.data;
      return { audience: audienceOf(ownerId, memberIds), event: { event: CLIENT_EVENT.projectDeleted, data: { projectId } } };
    }
    case PROJECT_MEMBERSHIP_CHANGED_SUBJECT: {
      const parsed = projectMembershipChangedEventSchema.safeParse(data);
      if (!parsed.success) return undefined;
      const { projectId, userId, role, ownerId, memberIds } = parsed.data;
      return { audience: audienceOf(userId, ownerId, memberIds), event: { event: CLIENT_EVENT.projectMembership, data: { projectId, userId, role } } };
    }
    default:
      return undefined;
  }
}

import type { RevocationFeed } from '@playbook/kit/nats';
import { z } from 'zod';
import { playbookCatalogSchema } from './playbook/catalog-types';

/**
 * Messages that cross service boundaries over NATS, with the subject each travels on. The owning service
 * publishes or answers; the others consume. Versioned subjects: a breaking change gets a new `v`.
 */

/** The subjects the event stream (JetStream `EVENTS`) keeps: every domain event below, none of the requests. */
export const EVENT_STREAM_SUBJECTS = ['auth.v1.user.>', 'auth.v1.audit', 'project.v1.project.>', 'project.v1.membership.>', 'pdf.v1.job.>'];

// auth-service
/** Request/reply: the public keys access tokens are verified with (the same set as /api/auth/jwks.json). */
export const JWKS_SUBJECT = 'auth.v1.jwks.get';
export const USER_DELETED_SUBJECT = 'auth.v1.user.deleted';
export const userDeletedEventSchema = z.object({ userId: z.string().min(1), deletedAt: z.iso.datetime() });
export type UserDeletedEvent = z.infer<typeof userDeletedEventSchema>;

/** A login ended (logout, a replayed refresh token): every access token of that session is refused from now on. */
export const SESSION_REVOKED_SUBJECT = 'auth.v1.user.session-revoked';
export const sessionRevokedEventSchema = z.object({ userId: z.string().min(1), sessionId: z.string().min(1), revokedAt: z.iso.datetime() });
export type SessionRevokedEvent = z.infer<typeof sessionRevokedEventSchema>;

/** Longer than any access token lives (at most 3600 s, plus the verifiers' 30 s leeway): how far back a revocation matters. */
const REVOCATION_KEEP_SECONDS = 3_700;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * The events that revoke access tokens, for every verifier: an ended session refuses its tokens, a deleted
 * account every token issued up to its deletion.
 */
export const REVOCATION_FEED: RevocationFeed = {
  subjects: [SESSION_REVOKED_SUBJECT, USER_DELETED_SUBJECT],
  keepSeconds: REVOCATION_KEEP_SECONDS,
  toRevocation: (subject, data) => {
    if (subject === SESSION_REVOKED_SUBJECT) {
      const event = sessionRevokedEventSchema.safeParse(data);
      return event.success ? { userId: event.data.userId, sessionId: event.data.sessionId, atSeconds: epochSeconds(event.data.revokedAt) } : undefined;
    }
    const event = userDeletedEventSchema.safeParse(data);
    return event.success ? { userId: event.data.userId, atSeconds: epochSeconds(event.data.deletedAt) } : undefined;
  },
};

/**
 * Request/reply: the account an email belongs to, for project-service adding a member by email; a 404 reply when
 * there is none. Not under `auth.v1.user.>`: the event stream keeps those subjects, and would both answer the
 * request with its own acknowledgement and store the email for days.
 */
export const USER_LOOKUP_SUBJECT = 'auth.v1.email.lookup';
export const userLookupRequestSchema = z.strictObject({ email: z.string().min(1).max(320) });
export type UserLookupRequest = z.infer<typeof userLookupRequestSchema>;
export const userLookupReplySchema = z.object({ userId: z.string().min(1) });
export type UserLookupReply = z.infer<typeof userLookupReplySchema>;

export const AUDIT_SUBJECT = 'auth.v1.audit';
export const auditEventSchema = z.object({
  action: z.enum(['register', 'login.success', 'login.failure', 'login.throttled', 'refresh', 'refresh.reuse_detected', 'logout', 'account.deleted']),
  userId: z.string().optional(),
  ip: z.string().optional(),
  at: z.iso.datetime(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

// project-service
export const PROJECT_SNAPSHOT_SUBJECT = 'project.v1.snapshot.get';
/**
 * A snapshot or version request on behalf of `userId`, the user asking for the PDF: answered for any member of
 * the project, 404 for anyone else. `{projectId, ownerId}` is what senders before project members sent (always
 * the requesting user's id), read as `userId`, so a rolling upgrade keeps working.
 */
export const projectSnapshotRequestSchema = z.union([
  z.strictObject({ projectId: z.string().min(1), userId: z.string().min(1) }),
  z.strictObject({ projectId: z.string().min(1), ownerId: z.string().min(1) }).transform(({ projectId, ownerId }) => ({ projectId, userId: ownerId })),
]);
export type ProjectSnapshotRequest = z.input<typeof projectSnapshotRequestSchema>;
export const projectSnapshotSchema = z.object({
  project: z.object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    description: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
  responses: z.array(z.object({ fieldId: z.string(), value: z.string(), updatedAt: z.iso.datetime() })),
  /** The catalog the answers belong to, as project-service has it: pdf-service renders this one, never a copy of its own. */
  catalog: playbookCatalogSchema,
  /** Grows on every change of the project's name, description or answers. */
  contentVersion: z.number().int().nonnegative(),
});
export type ProjectSnapshot = z.infer<typeof projectSnapshotSchema>;

/**
 * The cache key's part of a snapshot, without the answers: what a cached PDF needs to be found. 404 like the
 * snapshot when the project is not the owner's.
 */
export const PROJECT_VERSION_SUBJECT = 'project.v1.version.get';
export const projectVersionSchema = z.object({ catalogVersion: z.string(), contentVersion: projectSnapshotSchema.shape.contentVersion });
export type ProjectVersion = z.infer<typeof projectVersionSchema>;

export const PROJECT_UPDATED_SUBJECT = 'project.v1.project.updated';
/** Every user who may see the project, its owner included (empty in events from before project members). */
const memberIdsSchema = z.array(z.string()).default([]);
export const projectUpdatedEventSchema = z.object({ projectId: z.string(), ownerId: z.string(), memberIds: memberIdsSchema, contentVersion: z.number().int(), updatedAt: z.iso.datetime() });
export type ProjectUpdatedEvent = z.infer<typeof projectUpdatedEventSchema>;

export const PROJECT_DELETED_SUBJECT = 'project.v1.project.deleted';
export const projectDeletedEventSchema = z.object({ projectId: z.string(), ownerId: z.string(), memberIds: memberIdsSchema });
export type ProjectDeletedEvent = z.infer<typeof projectDeletedEventSchema>;

export const projectRoleSchema = z.enum(['owner', 'editor', 'viewer']);
export type ProjectRole = z.infer<typeof projectRoleSchema>;

/**
 * A member was added, got another role, or left or was removed (`role` null): `userId` is that member,
 * `memberIds` every user who may see the project after the change (owner included), `ownerId` its owner then.
 */
export const PROJECT_MEMBERSHIP_CHANGED_SUBJECT = 'project.v1.membership.changed';
export const projectMembershipChangedEventSchema = z.object({
  projectId: z.string(),
  userId: z.string(),
  role: projectRoleSchema.nullable(),
  memberIds: z.array(z.string()),
  ownerId: z.string(),
});
export type ProjectMembershipChangedEvent = z.infer<typeof projectMembershipChangedEventSchema>;

// pdf-service
export const PDF_JOB_UPDATED_SUBJECT = 'pdf.v1.job.updated';
export const pdfJobStatusSchema = z.enum(['queued', 'rendering', 'done', 'failed']);
export const pdfJobUpdatedEventSchema = z.object({
  jobId: z.string(),
  projectId: z.string(),
  ownerId: z.string(),
  status: pdfJobStatusSchema,
  error: z.string().optional(),
});
export type PdfJobUpdatedEvent = z.infer<typeof pdfJobUpdatedEventSchema>;

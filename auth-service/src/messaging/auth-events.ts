import { AUDIT_SUBJECT, USER_DELETED_SUBJECT, auditEventSchema, publishEvent, userDeletedEventSchema, type AuditEvent, type Logger, type NatsHandle } from '@playbook/shared';

export type AuditAction = AuditEvent['action'];

/** What the use cases tell the rest of the system; they never see NATS. */
export interface AuthEvents {
  /** A log line and an `auth.v1.audit` event; never blocks or fails the request (the log line is the record of last resort). */
  audit(action: AuditAction, details: { userId?: string; ip?: string }): void;
  /** Waits until JetStream stored the event: the other services delete the user's data when they get it. */
  userDeleted(userId: string): Promise<void>;
}

export function createAuthEvents(nats: NatsHandle, logger: Logger): AuthEvents {
  return {
    audit(action, { userId, ip }) {
      const event = auditEventSchema.parse({ action, userId, ip, at: new Date().toISOString() });
      logger.info(`audit ${action}`, { audit: event });
      publishEvent(nats, AUDIT_SUBJECT, event).catch((error: Error) => logger.warn(`audit event ${action} not published: ${error.message}`));
    },
    async userDeleted(userId) {
      const event = userDeletedEventSchema.parse({ userId, deletedAt: new Date().toISOString() });
      // The event id makes a retried deletion publish once (JetStream duplicate window).
      await publishEvent(nats, USER_DELETED_SUBJECT, event, `user-deleted-${userId}`);
    },
  };
}

import { auditEventSchema, SESSION_REVOKED_SUBJECT, sessionRevokedEventSchema, userDeletedEventSchema } from '@playbook/contract';
import { type Logger } from '@playbook/kit';
import { publishEvent, type NatsHandle } from '@playbook/kit/nats';
import type { AuthEvents } from '../domain/ports';
import { AUDIT_SUBJECT, USER_DELETED_SUBJECT } from './subjects';

/** The use cases' events over JetStream; they never see NATS. */
export function createAuthEvents(nats: NatsHandle, logger: Logger): AuthEvents {
  return {
    audit(action, { userId, ip }) {
      const event = auditEventSchema.parse({ action, userId, ip, at: new Date().toISOString() });
      logger.info(`audit ${action}`, { audit: event });
      publishEvent(nats, AUDIT_SUBJECT, event).catch((error: Error) => logger.warn(`audit event ${action} not published: ${error.message}`));
    },
    async sessionRevoked(userId, sessionId) {
      const event = sessionRevokedEventSchema.parse({ userId, sessionId, revokedAt: new Date().toISOString() });
      await publishEvent(nats, SESSION_REVOKED_SUBJECT, event, `session-revoked-${sessionId}`);
    },
    async userDeleted(userId) {
      const event = userDeletedEventSchema.parse({ userId, deletedAt: new Date().toISOString() });
      // The event id makes a retried deletion publish once (JetStream duplicate window).
      await publishEvent(nats, USER_DELETED_SUBJECT, event, `user-deleted-${userId}`);
    },
  };
}

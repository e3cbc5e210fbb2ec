/** Every NATS subject project-service uses; all are defined by the shared contract (event-messages.ts). */
export {
  PROJECT_DELETED_SUBJECT,
  PROJECT_MEMBERSHIP_CHANGED_SUBJECT,
  PROJECT_SNAPSHOT_SUBJECT,
  PROJECT_UPDATED_SUBJECT,
  PROJECT_VERSION_SUBJECT,
  USER_DELETED_SUBJECT,
  JWKS_SUBJECT,
  USER_LOOKUP_SUBJECT,
} from '@playbook/contract';

/** Replicas share snapshot and version requests through this queue group. */
export const SNAPSHOT_QUEUE = 'project-service';
/** The durable JetStream consumer of user deletions (named in the contract, whose NATS identities allow it). */
export { PROJECT_USER_DELETED_CONSUMER as USER_DELETED_DURABLE } from '@playbook/contract';

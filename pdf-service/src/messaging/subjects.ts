/** Every NATS subject pdf-service uses: its own, and the shared ones it consumes or calls. */
export {
  PDF_JOB_UPDATED_SUBJECT,
  PROJECT_DELETED_SUBJECT,
  PROJECT_SNAPSHOT_SUBJECT,
  PROJECT_VERSION_SUBJECT,
  USER_DELETED_SUBJECT,
  JWKS_SUBJECT,
} from '@playbook/contract';

/**
 * Its JetStream resources (named in the contract, whose NATS identities allow them to pdf-service alone): the
 * render jobs' work-queue stream, its subject and the durable pull consumer every replica shares, and the durable
 * consumers of deletions.
 */
export {
  PDF_WORK_STREAM,
  PDF_RENDER_JOB_SUBJECT,
  PDF_RENDER_CONSUMER,
  PDF_PROJECT_DELETED_CONSUMER as PROJECT_DELETED_CONSUMER,
  PDF_USER_DELETED_CONSUMER as USER_DELETED_CONSUMER,
} from '@playbook/contract';

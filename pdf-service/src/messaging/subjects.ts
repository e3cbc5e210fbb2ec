/** Every NATS subject pdf-service uses: its own, and the shared ones it consumes or calls. */
export {
  PDF_JOB_UPDATED_SUBJECT,
  PROJECT_DELETED_SUBJECT,
  PROJECT_SNAPSHOT_SUBJECT,
  PROJECT_VERSION_SUBJECT,
  USER_DELETED_SUBJECT,
  JWKS_SUBJECT,
} from '@playbook/contract';

/** Render jobs: a JetStream work-queue stream of its own (not the EVENTS stream, whose `pdf.v1.job.>` are events). */
export const PDF_WORK_STREAM = 'PDF_JOBS';
export const PDF_RENDER_JOB_SUBJECT = 'pdf.v1.work.render';
/** The durable pull consumer every replica shares. */
export const PDF_RENDER_CONSUMER = 'pdf-service-renderer';
export const PROJECT_DELETED_CONSUMER = 'pdf-service-project-deleted';
export const USER_DELETED_CONSUMER = 'pdf-service-user-deleted';

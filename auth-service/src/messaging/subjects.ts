/** Every NATS subject auth-service owns: it answers the JWKS requests and publishes these events. */
export { AUDIT_SUBJECT, JWKS_SUBJECT, USER_DELETED_SUBJECT } from '@playbook/contract';

/** Replicas share JWKS requests through this queue group. */
export const AUTH_QUEUE_GROUP = 'auth-service';

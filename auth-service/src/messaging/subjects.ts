/** Every NATS subject auth-service owns: it answers the JWKS and email lookup requests and publishes these events. */
export { AUDIT_SUBJECT, JWKS_SUBJECT, USER_DELETED_SUBJECT, USER_LOOKUP_SUBJECT } from '@playbook/contract';

/** Replicas share JWKS and lookup requests through this queue group. */
export const AUTH_QUEUE_GROUP = 'auth-service';

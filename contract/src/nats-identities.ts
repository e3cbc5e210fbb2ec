import { EVENT_STREAM, REVOCATION_STREAM, type NatsIdentity } from '@playbook/kit/nats';
import {
  AUDIT_SUBJECT,
  JWKS_SUBJECT,
  PDF_JOB_UPDATED_SUBJECT,
  PROJECT_DELETED_SUBJECT,
  PROJECT_MEMBERSHIP_CHANGED_SUBJECT,
  PROJECT_SNAPSHOT_SUBJECT,
  PROJECT_UPDATED_SUBJECT,
  PROJECT_VERSION_SUBJECT,
  USER_LOOKUP_SUBJECT,
} from './event-messages';

/**
 * Who may say what on NATS: one identity per service, allowed exactly the subjects its messages above need, and
 * nothing else. The NATS server refuses every other publish and subscription (and anonymous connections), so a
 * compromised pod cannot answer another service's requests, publish its events, or read its stores.
 * The local stack, the tests and the chart all render their server's `authorization` block from this table
 * (`natsAuthorizationConfig` in the kit); test/foundation/nats-identities.test.ts connects as each identity.
 */

/** pdf-service's render jobs: a work-queue stream of its own (not the EVENTS stream, whose `pdf.v1.job.>` are events). */
export const PDF_WORK_STREAM = 'PDF_JOBS';
export const PDF_RENDER_JOB_SUBJECT = 'pdf.v1.work.render';
/** The durable pull consumer every pdf-service replica shares. */
export const PDF_RENDER_CONSUMER = 'pdf-service-renderer';
export const PDF_PROJECT_DELETED_CONSUMER = 'pdf-service-project-deleted';
export const PDF_USER_DELETED_CONSUMER = 'pdf-service-user-deleted';
export const PROJECT_USER_DELETED_CONSUMER = 'project-service-user-deleted';
/** The JetStream object store holding the finished PDFs (its stream is `OBJ_pdfs`). */
export const PDF_OBJECT_STORE = 'pdfs';
/**
 * The gateway's copy of the events a browser hears of (`GET /api/events`), made by JetStream from the event stream:
 * the gateway reads this stream, never the event stream with its audit and account events.
 */
export const CLIENT_EVENT_STREAM = 'CLIENT_EVENTS';
export const CLIENT_EVENT_SUBJECTS = [PDF_JOB_UPDATED_SUBJECT, PROJECT_UPDATED_SUBJECT, PROJECT_DELETED_SUBJECT, PROJECT_MEMBERSHIP_CHANGED_SUBJECT];
/** The key-value bucket of the gateway's single-use event-stream tickets, shared by its replicas (its stream is `KV_event-tickets`). */
export const EVENT_TICKET_BUCKET = 'event-tickets';

// The JetStream API subjects a permission names (nats-server's `$JS.API.…`); a stream or consumer is allowed by name.
const jetStreamAccount = ['$JS.API.INFO'];
/** Create it when missing, bring its config up to date at start, read its state. */
const manageStream = (stream: string) => ['CREATE', 'UPDATE', 'INFO'].map((action) => `$JS.API.STREAM.${action}.${stream}`);
/** A durable consumer of its own: create or update it, pull from it, ack what it pulled. */
const durableConsumer = (stream: string, durable: string) => [
  `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
  `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
  `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
  `$JS.ACK.${stream}.${durable}.>`,
];
/**
 * The token revocation feed every verifier follows: an ordered consumer on the revocation stream, which holds
 * nothing but revocations. The client makes its consumers' names up (and deletes the old one when it starts
 * over), so they are allowed by stream: the one grant here wider than a name (docs/security.md).
 */
const revocationFeed = [
  `$JS.API.STREAM.INFO.${REVOCATION_STREAM}`,
  `$JS.API.CONSUMER.CREATE.${REVOCATION_STREAM}`,
  `$JS.API.CONSUMER.CREATE.${REVOCATION_STREAM}.*`,
  `$JS.API.CONSUMER.CREATE.${REVOCATION_STREAM}.*.>`,
  `$JS.API.CONSUMER.INFO.${REVOCATION_STREAM}.*`,
  `$JS.API.CONSUMER.MSG.NEXT.${REVOCATION_STREAM}.*`,
  `$JS.API.CONSUMER.DELETE.${REVOCATION_STREAM}.*`,
];
/**
 * Ordered consumers, without a filter, on a stream of its own: the client names them (and deletes the old one when it
 * starts over), so they are allowed by stream, like the revocation feed.
 */
const orderedReader = (stream: string) => [
  `$JS.API.CONSUMER.CREATE.${stream}.*`,
  `$JS.API.CONSUMER.INFO.${stream}.*`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
  `$JS.API.CONSUMER.DELETE.${stream}.*`,
];
/** A key-value bucket of its own: its stream, writing and deleting keys, reading a key's last value. */
const keyValueBucket = (bucket: string) => {
  const stream = `KV_${bucket}`;
  return [...manageStream(stream), `$KV.${bucket}.>`, `$JS.API.DIRECT.GET.${stream}.>`];
};
/** An object store of its own: its stream, its chunks and metadata, and the consumers that read an object back. */
const objectStore = (bucket: string) => {
  const stream = `OBJ_${bucket}`;
  return [
    ...manageStream(stream),
    // Opening the store looks its stream up by name.
    '$JS.API.STREAM.NAMES',
    `$JS.API.STREAM.PURGE.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.CONSUMER.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.DELETE.${stream}.*`,
    `$JS.FC.${stream}.>`,
    `$O.${bucket}.>`,
  ];
};

export const NATS_IDENTITIES = [
  {
    user: 'auth-service',
    publish: [
      'auth.v1.user.>',
      AUDIT_SUBJECT,
      ...jetStreamAccount,
      ...manageStream(EVENT_STREAM),
      ...manageStream(REVOCATION_STREAM),
      ...revocationFeed,
    ],
    subscribe: [JWKS_SUBJECT, USER_LOOKUP_SUBJECT],
    answersRequests: true,
  },
  {
    user: 'project-service',
    publish: [
      PROJECT_UPDATED_SUBJECT,
      PROJECT_DELETED_SUBJECT,
      PROJECT_MEMBERSHIP_CHANGED_SUBJECT,
      JWKS_SUBJECT,
      // Adding a member by email: only project-service may ask auth-service who an email is.
      USER_LOOKUP_SUBJECT,
      ...jetStreamAccount,
      ...manageStream(EVENT_STREAM),
      ...durableConsumer(EVENT_STREAM, PROJECT_USER_DELETED_CONSUMER),
      ...revocationFeed,
    ],
    subscribe: [PROJECT_SNAPSHOT_SUBJECT, PROJECT_VERSION_SUBJECT],
    answersRequests: true,
  },
  {
    user: 'pdf-service',
    publish: [
      PDF_JOB_UPDATED_SUBJECT,
      PDF_RENDER_JOB_SUBJECT,
      PROJECT_SNAPSHOT_SUBJECT,
      PROJECT_VERSION_SUBJECT,
      JWKS_SUBJECT,
      ...jetStreamAccount,
      ...manageStream(EVENT_STREAM),
      ...durableConsumer(EVENT_STREAM, PDF_PROJECT_DELETED_CONSUMER),
      ...durableConsumer(EVENT_STREAM, PDF_USER_DELETED_CONSUMER),
      ...revocationFeed,
      ...manageStream(PDF_WORK_STREAM),
      ...durableConsumer(PDF_WORK_STREAM, PDF_RENDER_CONSUMER),
      // The abandoned-job watcher reads a given-up message and removes it.
      `$JS.API.STREAM.MSG.GET.${PDF_WORK_STREAM}`,
      `$JS.API.STREAM.MSG.DELETE.${PDF_WORK_STREAM}`,
      ...objectStore(PDF_OBJECT_STORE),
    ],
    subscribe: [PDF_JOB_UPDATED_SUBJECT, `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${PDF_WORK_STREAM}.${PDF_RENDER_CONSUMER}`],
    answersRequests: false,
  },
  {
    user: 'gateway',
    publish: [
      JWKS_SUBJECT,
      ...jetStreamAccount,
      ...revocationFeed,
      ...manageStream(CLIENT_EVENT_STREAM),
      ...orderedReader(CLIENT_EVENT_STREAM),
      ...keyValueBucket(EVENT_TICKET_BUCKET),
    ],
    subscribe: [],
    answersRequests: false,
  },
] as const satisfies readonly NatsIdentity[];


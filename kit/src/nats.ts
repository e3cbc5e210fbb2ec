// `@playbook/kit/nats`: requests, replies, JetStream events and object stores over the service's NATS connection.
import './tracing/instrument-first';
export { connectNats, type NatsHandle } from './nats/nats-connection';
export { natsRequest, type NatsRequestOptions } from './nats/nats-request';
export { serveRequests, type RequestResponder, type ServeRequestsOptions } from './nats/nats-subscribe';
export { NatsNoRespondersError, NatsTimeoutError, NatsUnavailableError } from './nats/nats-errors';
export { decodeJson, encodeJson, parseMessage, requestIdHeaders, requestIdOf, type Reply } from './nats/nats-messages';
export { consumeEvents, ensureEventCopy, ensureEventStream, ensureRevocationStream, publishEvent, EVENT_STREAM, REVOCATION_STREAM } from './nats/jetstream-events';
export { consumeMessages, type ConsumeMessagesOptions, type MessageConsumer } from './nats/jetstream-consumer';
export { ensureStream, openObjectStore } from './nats/jetstream-streams';
export { createNatsKeyStore, revocationsOverNats, tokenCheckOverNats, type TokenCheck } from './nats/token-check';
export type { RevocationFeed } from './nats/revocation-feed';
export { inboxPrefixOf, natsAuthorizationConfig, passwordVariableOf, writeNatsUsers, type NatsIdentity, type PasswordSource } from './nats/server-authorization';
export { followStream, type FollowStreamOptions, type StreamFollower } from './nats/stream-follower';

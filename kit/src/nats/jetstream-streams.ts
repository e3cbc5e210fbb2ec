import { NatsError, type JetStreamManager, type ObjectStore, type ObjectStoreOptions, type StreamConfig } from 'nats';
import { inSpan, isTracingActive, SpanKind } from '../tracing/trace-context';
import type { NatsHandle } from './nats-connection';
import { hashObjectsWithNodeCrypto } from './object-store-digest';

/** JetStream's "stream not found" API error. */
const STREAM_NOT_FOUND = 10059;
const STREAM_API_TIMEOUT_MS = 30_000;

async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name);
    return true;
  } catch (error) {
    if (error instanceof NatsError && error.api_error?.err_code === STREAM_NOT_FOUND) return false;
    throw error;
  }
}

/**
 * Creates a JetStream stream with the connection's replica count (NATS_STREAM_REPLICAS), or updates it to
 * `config` when it exists (every replica of a service calls this at start). A stream created with another
 * replica count is updated too: JetStream moves it onto more or fewer cluster nodes without losing messages.
 */
export async function ensureStream(nats: NatsHandle, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  // Placing a replicated stream waits for the cluster's nodes to agree: on a busy machine past the client's
  // default 5 s. A start-up step, so waiting longer costs nothing.
  const jsm = await nats.connection.jetstreamManager({ timeout: STREAM_API_TIMEOUT_MS });
  const wanted = { num_replicas: nats.streamReplicas, ...config };
  if (await streamExists(jsm, config.name)) await jsm.streams.update(config.name, wanted);
  else await jsm.streams.add(wanted);
}

/**
 * Opens (or creates) a JetStream object store, then brings its stream to the connection's replica count:
 * nats.js opens an existing bucket as it is, and its `replicas` option also lands in the stream config
 * it sends, which nats-server 2.15 refuses as an unknown field.
 */
export async function openObjectStore(nats: NatsHandle, bucket: string, options: Partial<ObjectStoreOptions> = {}): Promise<ObjectStore> {
  hashObjectsWithNodeCrypto();
  const store = await nats.connection.jetstream().views.os(bucket, options);
  const { replicas, streamInfo } = await store.status();
  if (replicas !== nats.streamReplicas) {
    const jsm = await nats.connection.jetstreamManager();
    await jsm.streams.update(streamInfo.config.name, { ...streamInfo.config, num_replicas: nats.streamReplicas });
  }
  return isTracingActive() ? tracedObjectStore(store, bucket) : store;
}

/** Puts, gets and deletes of whole objects in a span each: no instrumentation sees the object store's chunked messages. */
function tracedObjectStore(store: ObjectStore, bucket: string): ObjectStore {
  const attributes = (operation: string, name: string) => ({ 'messaging.system': 'nats', 'nats.object_store.bucket': bucket, 'nats.object_store.operation': operation, 'nats.object_store.object': name });
  const inStoreSpan = <T>(operation: string, name: string, fn: () => Promise<T>) => inSpan(`object-store ${operation} ${bucket}`, { kind: SpanKind.CLIENT, attributes: attributes(operation, name) }, fn);
  const { putBlob, getBlob, delete: remove } = store;
  return Object.assign(Object.create(store) as ObjectStore, {
    putBlob: (meta: Parameters<ObjectStore['putBlob']>[0], data: Parameters<ObjectStore['putBlob']>[1], options?: Parameters<ObjectStore['putBlob']>[2]) =>
      inStoreSpan('put', meta.name, () => putBlob.call(store, meta, data, options)),
    getBlob: (name: string) => inStoreSpan('get', name, () => getBlob.call(store, name)),
    delete: (name: string) => inStoreSpan('delete', name, () => remove.call(store, name)),
  });
}

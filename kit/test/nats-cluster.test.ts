import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@playbook/kit';
import {
  connectNats,
  ensureStream,
  natsRequest,
  openObjectStore,
  serveRequests,
  type NatsHandle,
} from '@playbook/kit/nats';
import { startNatsCluster, type TestNatsCluster } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
};

describe('NATS_STREAM_REPLICAS', () => {
  it('defaults to 1 and takes 1 to 5 replicas', () => {
    expect(loadConfig(baseConfigSchema, {}).NATS_STREAM_REPLICAS).toBe(1);
    expect(loadConfig(baseConfigSchema, { NATS_STREAM_REPLICAS: '3' }).NATS_STREAM_REPLICAS).toBe(3);
    expect(() => loadConfig(baseConfigSchema, { NATS_STREAM_REPLICAS: '0' })).toThrow(/NATS_STREAM_REPLICAS/);
    expect(() => loadConfig(baseConfigSchema, { NATS_STREAM_REPLICAS: '6' })).toThrow(/NATS_STREAM_REPLICAS/);
  });
});

describe('the NATS kit on a 3-node JetStream cluster', () => {
  let cluster: TestNatsCluster;
  let nats: NatsHandle;
  const { logger } = createCapturingLogger('test');

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nats = await connectNats({ url: cluster.url, credentials: cluster.credentials('test-harness'), name: 'kit-test', logger, streamReplicas: 3 });
  }, 90_000);
  afterAll(async () => {
    await nats?.drain();
    await cluster?.destroy();
  });

  it('creates streams on every node, and moves a stream created with one replica onto three, keeping its messages', async () => {
    const jsm = await nats.connection.jetstreamManager();
    await ensureStream(nats, { name: 'KIT_FRESH', subjects: ['kit.fresh.>'] });
    expect((await jsm.streams.info('KIT_FRESH')).config.num_replicas).toBe(3);

    const single = await connectNats({ url: cluster.url, credentials: cluster.credentials('test-harness'), name: 'kit-test-r1', logger });
    await ensureStream(single, { name: 'KIT_GROWN', subjects: ['kit.grown.>'] });
    await single.drain();
    const js = nats.connection.jetstream();
    // The new stream's interest reaches this connection's node over the routes a moment later (503 until then).
    expect(await waitFor(async () => js.publish('kit.grown.item', new TextEncoder().encode('0'), { msgID: 'grown-0' }).then(() => true, () => false), 10_000)).toBe(true);
    for (let n = 1; n < 5; n++) await js.publish('kit.grown.item', new TextEncoder().encode(String(n)));
    expect((await jsm.streams.info('KIT_GROWN')).config.num_replicas).toBe(1);

    await ensureStream(nats, { name: 'KIT_GROWN', subjects: ['kit.grown.>'] });
    const grown = await waitFor(async () => (await jsm.streams.info('KIT_GROWN')).cluster?.replicas?.filter((peer) => peer.current).length === 2, 30_000);
    expect(grown).toBe(true);
    const info = await jsm.streams.info('KIT_GROWN');
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(5);
  }, 60_000);

  it('brings an object store created with one replica to three, keeping its objects', async () => {
    const single = await connectNats({ url: cluster.url, credentials: cluster.credentials('test-harness'), name: 'kit-test-r1', logger });
    await (await openObjectStore(single, 'kit-files')).putBlob({ name: 'kept' }, new TextEncoder().encode('still here'));
    await single.drain();

    const store = await openObjectStore(nats, 'kit-files');
    expect((await store.status()).replicas).toBe(3);
    expect(new TextDecoder().decode((await store.getBlob('kept')) ?? new Uint8Array())).toBe('still here');
  }, 60_000);

  it('follows the loss of the node it is connected to: reconnects to another one and answers again', async () => {
    serveRequests(nats, { subject: 'kit.v1.echo', queue: 'kit', logger, schema: z.object({ n: z.number() }), handle: async ({ n }) => ({ n }) });
    const client = await connectNats({ url: cluster.url, credentials: cluster.credentials('test-harness'), name: 'kit-test-client', logger });
    const ask = (n: number) => natsRequest(client, { subject: 'kit.v1.echo', payload: { n }, responseSchema: z.object({ n: z.number() }), timeoutMs: 2_000 });
    // The responder's interest reaches the client's node over the cluster's routes a moment later.
    expect(await waitFor(async () => (await ask(1).catch(() => undefined))?.n === 1, 10_000)).toBe(true);

    const lost = cluster.nodes.find((node) => client.connection.getServer() === node.url.replace('nats://', ''))!;
    expect(lost).toBeDefined();
    await lost.kill();
    expect(await waitFor(() => !client.isConnected(), 10_000)).toBe(true);
    expect(await waitFor(() => client.isConnected(), 20_000)).toBe(true);
    expect(client.connection.getServer()).not.toBe(lost.url.replace('nats://', ''));
    expect(await waitFor(async () => (await ask(2).catch(() => undefined))?.n === 2, 20_000)).toBe(true);

    await client.drain();
    await lost.restart();
  }, 90_000);
});

import crypto, { randomBytes } from 'node:crypto';
import { connectNats, openObjectStore, type NatsHandle } from '@playbook/kit/nats';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';

describe('an object store opened through the kit', () => {
  let server: TestNatsServer;
  let nats: NatsHandle;

  beforeAll(async () => {
    server = await startNatsServer();
    nats = await connectNats({ url: server.url, credentials: server.credentials('test-harness'), name: 'object-store-test', logger: createCapturingLogger('test').logger });
  });
  afterAll(async () => {
    await nats.drain();
    await server.destroy();
  });

  it("hashes what it stores and reads with Node's SHA-256, and records the digest every NATS client checks", async () => {
    const store = await openObjectStore(nats, 'kit-digests');
    const pdfSized = randomBytes(350_000);
    const createHash = jest.spyOn(crypto, 'createHash');
    try {
      const info = await store.putBlob({ name: 'typical.pdf' }, pdfSized);
      expect(createHash).toHaveBeenCalledWith('sha256');
      const expected = crypto.createHash('sha256').update(pdfSized).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
      expect(info.digest).toBe(`SHA-256=${expected}`);

      createHash.mockClear();
      // getBlob fails ("digests do not match") unless what it hashes while reading equals the stored digest.
      expect(Buffer.from((await store.getBlob('typical.pdf')) ?? new Uint8Array()).equals(pdfSized)).toBe(true);
      expect(createHash).toHaveBeenCalledWith('sha256');
    } finally {
      createHash.mockRestore();
    }
  });
});

import { z } from 'zod';
import { createMetrics, currentRequestId, NotFoundError, runWithRequestContext } from '@playbook/kit';
import {
  connectNats,
  NatsNoRespondersError,
  NatsTimeoutError,
  natsRequest,
  serveRequests,
  type NatsHandle,
} from '@playbook/kit/nats';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';

describe('NATS request/reply helpers', () => {
  let server: TestNatsServer;
  let nats: NatsHandle;
  const { logger } = createCapturingLogger('test');

  beforeAll(async () => {
    server = await startNatsServer();
    nats = await connectNats({ url: server.url, credentials: server.credentials('test-harness'), name: 'test', logger });
  });
  afterAll(async () => {
    await nats.drain();
    await server.destroy();
  });

  it('carries the request id to the responder and validates both sides', async () => {
    serveRequests(nats, {
      subject: 'test.v1.echo',
      queue: 'test',
      logger,
      schema: z.strictObject({ text: z.string() }),
      handle: async ({ text }) => ({ text, seenRequestId: currentRequestId() }),
    });
    const reply = await runWithRequestContext({ requestId: 'req-12345678' }, () =>
      natsRequest(nats, { subject: 'test.v1.echo', payload: { text: 'hi' }, responseSchema: z.object({ text: z.string(), seenRequestId: z.string() }), timeoutMs: 2000 }),
    );
    expect(reply).toEqual({ text: 'hi', seenRequestId: 'req-12345678' });

    await expect(
      natsRequest(nats, { subject: 'test.v1.echo', payload: { text: 1 }, responseSchema: z.unknown(), timeoutMs: 2000 }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('passes a typed error reply on with its status', async () => {
    serveRequests(nats, { subject: 'test.v1.missing', queue: 'test', logger, schema: z.unknown(), handle: async () => { throw new NotFoundError('No such project'); } });
    await expect(natsRequest(nats, { subject: 'test.v1.missing', payload: {}, responseSchema: z.unknown(), timeoutMs: 2000 })).rejects.toMatchObject({
      status: 404,
      detail: 'No such project',
    });
  });

  it('maps a missing responder to 503 and a slow one to 504, both without hanging', async () => {
    const metrics = createMetrics('test');
    const started = Date.now();
    await expect(natsRequest(nats, { subject: 'test.v1.nobody', payload: {}, responseSchema: z.unknown(), timeoutMs: 20_000, metrics })).rejects.toBeInstanceOf(NatsNoRespondersError);
    // At once, not after the timeout (with room for a busy machine).
    expect(Date.now() - started).toBeLessThan(10_000);

    nats.connection.subscribe('test.v1.slow', { callback: () => undefined });
    await expect(natsRequest(nats, { subject: 'test.v1.slow', payload: {}, responseSchema: z.unknown(), timeoutMs: 300, metrics })).rejects.toMatchObject({ status: 504 });
    await expect(natsRequest(nats, { subject: 'test.v1.slow', payload: {}, responseSchema: z.unknown(), timeoutMs: 300 })).rejects.toBeInstanceOf(NatsTimeoutError);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/nats_request_duration_seconds_count\{service="test",subject="test.v1.nobody",outcome="no_responders"\} 1/);
    expect(text).toMatch(/outcome="timeout"\} 1/);
  });
});

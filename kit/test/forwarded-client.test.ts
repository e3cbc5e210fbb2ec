import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import { createMetrics, createServiceApp, FORWARDED_CLIENT_HEADER, signForwardedClient, startHttpServer, type HttpServerHandle } from '@playbook/kit';
import { readForwardedClient } from '../src/http/forwarded-client';
import { createCapturingLogger } from '../../test/support/test-env';

const key = randomBytes(32);
const NOW = Date.parse('2026-12-03T10:00:00Z');

describe('the client IP as the gateway signs it', () => {
  it('reads back what was signed, IPv4 and IPv6', () => {
    expect(readForwardedClient(key, signForwardedClient(key, '203.0.113.7', NOW), NOW)).toBe('203.0.113.7');
    expect(readForwardedClient(key, signForwardedClient(key, '2001:db8::1', NOW), NOW + 59_000)).toBe('2001:db8::1');
  });

  it('refuses a forged, altered, stale or malformed header', () => {
    const signed = signForwardedClient(key, '203.0.113.7', NOW);
    const [, seconds, signature] = signed.split(' ');
    expect(readForwardedClient(randomBytes(32), signed, NOW)).toBeUndefined(); // another key
    expect(readForwardedClient(key, signForwardedClient(randomBytes(32), '203.0.113.7', NOW), NOW)).toBeUndefined();
    expect(readForwardedClient(key, `198.51.100.1 ${seconds} ${signature}`, NOW)).toBeUndefined(); // another IP
    expect(readForwardedClient(key, `203.0.113.7 ${Number(seconds) + 1} ${signature}`, NOW)).toBeUndefined();
    expect(readForwardedClient(key, signed, NOW + 61_000)).toBeUndefined(); // captured and replayed later
    expect(readForwardedClient(key, signed, NOW - 61_000)).toBeUndefined();
    for (const malformed of ['', '203.0.113.7', `203.0.113.7 ${seconds}`, `${signed} extra`, `203.0.113.7 1e9 ${signature}`, `203.0.113.7  ${signature}`]) {
      expect(readForwardedClient(key, malformed, NOW)).toBeUndefined();
    }
    expect(readForwardedClient(key, [signed, signed], NOW)).toBeUndefined();
    expect(readForwardedClient(key, undefined, NOW)).toBeUndefined();
  });

  describe('in a service app', () => {
    let withKey: HttpServerHandle;
    let withoutKey: HttpServerHandle;
    const start = async (forwardingKey?: Buffer) => {
      const app = createServiceApp({ logger: createCapturingLogger('kit').logger, metrics: createMetrics('kit'), readiness: {}, forwardingKey });
      const router = new Router();
      router.get('/ip', (ctx) => { ctx.body = { ip: ctx.ip }; });
      app.use(router.routes());
      return startHttpServer(app, 0, '127.0.0.1');
    };
    beforeAll(async () => {
      withKey = await start(key);
      withoutKey = await start();
    });
    afterAll(async () => {
      await withKey?.close(1000);
      await withoutKey?.close(1000);
    });
    const ipSeenBy = async (server: HttpServerHandle, headers: Record<string, string>) =>
      ((await (await fetch(`${server.url}/ip`, { headers })).json()) as { ip: string }).ip;

    it('takes the IP from a valid signature and ignores X-Forwarded-For from anyone', async () => {
      expect(await ipSeenBy(withKey, { [FORWARDED_CLIENT_HEADER]: signForwardedClient(key, '203.0.113.9') })).toBe('203.0.113.9');
      expect(await ipSeenBy(withKey, { 'x-forwarded-for': '203.0.113.9' })).toMatch(/127\.0\.0\.1$/);
      expect(await ipSeenBy(withKey, { [FORWARDED_CLIENT_HEADER]: signForwardedClient(randomBytes(32), '203.0.113.9') })).toMatch(/127\.0\.0\.1$/);
      // A service without the key believes no signature at all.
      expect(await ipSeenBy(withoutKey, { [FORWARDED_CLIENT_HEADER]: signForwardedClient(key, '203.0.113.9'), 'x-forwarded-for': '203.0.113.9' })).toMatch(/127\.0\.0\.1$/);
    });
  });
});

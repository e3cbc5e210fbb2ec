import { randomBytes } from 'node:crypto';
import { FORWARDED_CLIENT_HEADER, signForwardedClient } from '@playbook/kit';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { strongPassword, startTestAuthService, type TestAuthService } from '../../test/support/auth-service';

describe('sign-ups: throttled per client IP, and argon2 bounded per process', () => {
  let nats: TestNatsServer;
  let auth: TestAuthService;

  beforeAll(async () => {
    nats = await startNatsServer();
    auth = await startTestAuthService({ nats, env: { REGISTRATIONS_PER_IP_PER_HOUR: '3', ARGON2_MAX_CONCURRENT: '1' } });
  });
  afterAll(async () => {
    await auth?.stop();
    await nats?.destroy();
  });

  let nextEmail = 0;
  const registerWith = (headers: Record<string, string>) =>
    fetch(`${auth.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: `signup-${nextEmail++}@example.com`, password: strongPassword(), name: 'Sign Up' }),
    });
  /** Every call comes through "the gateway", which vouches for the client `ip`. */
  const register = (ip: string) => registerWith(auth.fromClient(ip));

  it('answers 429 with Retry-After to the 4th sign-up from one address within the hour, while another address signs up', async () => {
    for (let i = 0; i < 3; i++) expect((await register('203.0.113.7')).status).toBe(201);
    const fourth = await register('203.0.113.7');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(Number(fourth.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect((await register('198.51.100.8')).status).toBe(201);
  });

  it('believes no client IP but the one the gateway signed: X-Forwarded-For from a direct caller counts as the caller', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await registerWith({ 'x-forwarded-for': `203.0.113.${100 + i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // A header signed with another key counts as the caller too; the gateway's signature still opens a fresh address.
    const forged = { [FORWARDED_CLIENT_HEADER]: signForwardedClient(randomBytes(32), '203.0.113.200') };
    expect((await registerWith(forged)).status).toBe(429);
    expect((await register('203.0.113.200')).status).toBe(201);
  });

  it('refuses sign-ups beyond the argon2 runs one process takes at once with 429 and Retry-After: 1, not a queue', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => register(`192.0.2.${10 + i}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toContain(201);
    expect(statuses).toContain(429);
    expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
    expect(answers.filter((answer) => answer.status === 429).every((answer) => answer.headers.get('retry-after') === '1')).toBe(true);
  });
});

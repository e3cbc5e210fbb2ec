import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { startTestAuthService, type RegisteredUser, type TestAuthService } from '../../test/support/auth-service';

describe('login: one answer for every bad credential, throttled per email and per client IP', () => {
  let nats: TestNatsServer;
  let auth: TestAuthService;
  /** A second replica on the same database, with a short backoff (2 s, doubling, at most 3 s). */
  let replica: TestAuthService;
  let user: RegisteredUser;

  beforeAll(async () => {
    nats = await startNatsServer();
    auth = await startTestAuthService({ nats, env: { LOGIN_MAX_FAILURES_PER_IP: '12' } });
    replica = await startTestAuthService({
      nats,
      dbName: auth.config.MONGO_DB,
      env: { LOGIN_MAX_FAILURES_PER_IP: '12', LOGIN_BACKOFF_BASE_SECONDS: '2', LOGIN_BACKOFF_MAX_SECONDS: '3' },
    });
    user = await auth.registerUser();
  });
  afterAll(async () => {
    await replica?.stop();
    await auth?.stop();
    await nats?.destroy();
  });

  /** Every call comes through "the gateway", which vouches for the client `ip` (with `auth`'s key or the replica's). */
  const login = (email: string, password: string, ip = '203.0.113.10', baseUrl = auth.url) =>
    fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(baseUrl === replica.url ? replica : auth).fromClient(ip) },
      body: JSON.stringify({ email, password }),
    });
  const withoutTrace = async (response: Response) => {
    const { traceId: _traceId, ...rest } = (await response.json()) as Record<string, unknown>;
    return rest;
  };
  const timed = async (fn: () => Promise<Response>) => {
    const started = performance.now();
    const response = await fn();
    await response.arrayBuffer();
    return performance.now() - started;
  };

  it('answers a wrong password and an unknown email with the same 401 body in similar time', async () => {
    const wrongPassword = await login(user.user.email, 'Not-The-Right-Password-42', '203.0.113.1');
    const unknownEmail = await login('nobody-here@example.com', 'Not-The-Right-Password-42', '203.0.113.1');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await withoutTrace(unknownEmail)).toEqual(await withoutTrace(wrongPassword));

    // Medians of a few attempts each; with the first one that makes 4 failures for `user`, under the limit of 5.
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      known.push(await timed(() => login(user.user.email, `Wrong-Password-${i}-xyz`, `203.0.113.${20 + i}`)));
      unknown.push(await timed(() => login(`ghost-${i}@example.com`, `Wrong-Password-${i}-xyz`, `203.0.113.${30 + i}`)));
    }
    const ratio = median(unknown) / median(known);
    // Without the dummy hash an unknown email answers ~10× faster (0.1); a busy machine moved the real ratio to 0.38.
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(2.5);
    expect((await login(user.user.email, user.password, '203.0.113.1')).status).toBe(200); // and a success clears the count
  });

  it('answers the 6th failed login in a row with 429 and Retry-After on every replica, even with the right password', async () => {
    const victim = await auth.registerUser();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const replicaUrl = attempt % 2 === 0 ? replica.url : auth.url;
      expect((await login(victim.user.email, `Guess-number-${attempt}-abc`, undefined, replicaUrl)).status).toBe(401);
    }
    const sixth = await login(victim.user.email, 'Guess-number-6-abc', undefined, replica.url);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(55);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await sixth.json()) as object).toMatchObject({ status: 429, type: 'urn:playbook:problem:too-many-requests' });
    // Same for the right password and for a differently written email: the lock is on the account's email.
    expect((await login(victim.user.email.toUpperCase(), victim.password, '192.0.2.77')).status).toBe(429);
  });

  it('lets at most 5 of 20 parallel wrong-password sign-ins for one email reach the password check', async () => {
    const victim = await auth.registerUser();
    const verify = jest.spyOn(auth.service.deps.passwords, 'verify');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(victim.user.email, `Parallel-guess-${i}-xyz`, `203.0.113.${100 + i}`)));
      const statuses = answers.map((answer) => answer.status);
      expect(verify.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
      expect(statuses.filter((status) => status === 401)).toHaveLength(verify.mock.calls.length);
      expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(true);
    } finally {
      verify.mockRestore();
    }
  });

  it('backs off longer after each further failure, yet lets the owner back in after a bounded wait', async () => {
    const victim = await replica.registerUser();
    for (let attempt = 1; attempt <= 5; attempt += 1) await login(victim.user.email, `Guess-${attempt}-abcdef`, '203.0.113.50', replica.url);
    const first = await login(victim.user.email, victim.password, '203.0.113.50', replica.url);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '2']);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await login(victim.user.email, 'Guess-6-abcdef', '203.0.113.50', replica.url)).status).toBe(401);
    const second = await login(victim.user.email, victim.password, '203.0.113.50', replica.url);
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, '3']);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await login(victim.user.email, victim.password, '203.0.113.50', replica.url)).status).toBe(200);
  });

  it('throttles a client IP that sprays many emails, using the last X-Forwarded-For hop, not a spoofed first one', async () => {
    const sprayer = '192.0.2.200';
    for (let i = 0; i < 12; i += 1) expect((await login(`spray-${i}@example.com`, 'Spray-password-123', sprayer)).status).toBe(401);
    expect((await login('spray-next@example.com', 'Spray-password-123', sprayer)).status).toBe(429);
    // The owner of another account, behind another address, is not affected; the spoofed left-most entry was the same.
    const other = await login(user.user.email, user.password, '192.0.2.201');
    expect(other.status).toBe(200);
  });
});

import mongoose from 'mongoose';
import { testMongoUrl } from '../../test/support/test-env';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { startTestAuthService, strongPassword, type TestAuthService } from '../../test/support/auth-service';

describe('auth-service sessions: register → login → me → refresh → reuse → logout', () => {
  let nats: TestNatsServer;
  let auth: TestAuthService;

  beforeAll(async () => {
    nats = await startNatsServer();
    auth = await startTestAuthService({ nats });
  });
  afterAll(async () => {
    await auth?.stop();
    await nats?.destroy();
  });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${auth.url}/api/auth/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const me = (token: string) => fetch(`${auth.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  it('walks a whole session and revokes the family when a spent refresh token comes back', async () => {
    const password = strongPassword();
    const registered = await auth.registerUser(undefined, { email: '  Ada.Lovelace@Example.COM ', password, name: 'Ada' });
    expect(registered.user).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada' });
    expect(registered.expiresIn).toBe(300); // the default lifetime: 5 minutes

    const login = await post('login', { email: 'ADA.lovelace@example.com', password });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const session = (await login.json()) as { accessToken: string; refreshToken: string; user: { id: string } };
    expect(session.user.id).toBe(registered.user.id);

    const current = await me(session.accessToken);
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ id: registered.user.id, email: 'ada.lovelace@example.com', name: 'Ada' });

    const refreshed = await post('refresh', { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect((await me(next.accessToken)).status).toBe(200);

    const reused = await post('refresh', { refreshToken: session.refreshToken });
    expect(reused.status).toBe(401);
    expect((await post('refresh', { refreshToken: next.refreshToken })).status).toBe(401);

    // The other login (from registration) is a different family and still works; logging it out ends it.
    const other = await post('refresh', { refreshToken: registered.refreshToken });
    expect(other.status).toBe(200);
    const otherPair = (await other.json()) as { accessToken: string; refreshToken: string };
    const logout = await post('logout', { refreshToken: otherPair.refreshToken }, otherPair.accessToken);
    expect(logout.status).toBe(204);
    expect((await post('refresh', { refreshToken: otherPair.refreshToken })).status).toBe(401);
  });

  it('refuses a second account for the same email, however it is written, with 409', async () => {
    const first = await auth.registerUser();
    const again = await post('register', { email: ` ${first.user.email.toUpperCase()}`, password: strongPassword(), name: 'Twin' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ status: 409, type: 'urn:playbook:problem:conflict' });
  });

  it('refuses short, long, common and personal passwords with a 400 naming the rule', async () => {
    const cases: Array<[string, RegExp]> = [
      ['short-Pw1!', /at least 12 characters/],
      ['x'.repeat(129), /at most 128 characters/],
      ['password1234', /too easy to guess.*commonly used password/],
      ['qwertyuiopasdfgh', /too easy to guess/],
      ['katherine.johnson@example.com', /too easy to guess/],
    ];
    for (const [password, rule] of cases) {
      const response = await post('register', { email: 'katherine.johnson@example.com', password, name: 'Katherine Johnson' });
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors: Array<{ path: string; message: string }> };
      expect(problem.errors).toEqual([{ path: 'password', message: expect.stringMatching(rule) }]);
    }
  });

  it('rejects unknown properties and query operators in bodies with 400 before any query', async () => {
    const victim = await auth.registerUser();
    const attempts = [
      { email: victim.user.email, password: { $ne: null } },
      { email: { $ne: null }, password: 'whatever-it-is-123' },
      { email: victim.user.email, password: victim.password, admin: true },
    ];
    for (const body of attempts) {
      const response = await post('login', body);
      expect(response.status).toBe(400);
    }
    expect((await post('refresh', { refreshToken: { $gt: '' } })).status).toBe(400);
    expect((await post('register', { email: 'new@example.com', password: strongPassword(), name: 'N', role: 'admin' })).status).toBe(400);
  });

  it('rehashes the password at login once the configured argon2 parameters changed', async () => {
    const ada = await auth.registerUser();
    const db = await mongoose.createConnection(testMongoUrl(), { dbName: auth.config.MONGO_DB }).asPromise();
    const storedHash = async () => ((await db.collection('users').findOne({ email: ada.user.email })) as { passwordHash: string } | null)?.passwordHash;
    const stronger = await startTestAuthService({ nats, dbName: auth.config.MONGO_DB, env: { ARGON2_TIME_COST: '3' } });
    try {
      expect(await storedHash()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      const login = await fetch(`${stronger.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ada.user.email, password: ada.password }),
      });
      expect(login.status).toBe(200);
      expect(await storedHash()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=3\$/);
      expect((await post('login', { email: ada.user.email, password: ada.password })).status).toBe(200);
    } finally {
      await stronger.stop();
      await db.close();
    }
  });

  it('requires a valid bearer token for /me and /logout', async () => {
    expect((await fetch(`${auth.url}/api/auth/me`)).status).toBe(401);
    expect((await post('logout', { refreshToken: 'x' })).status).toBe(401);
    expect((await me('not-a-jwt')).status).toBe(401);
  });
});

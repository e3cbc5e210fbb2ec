import { CSRF_HEADER, REFRESH_COOKIE } from '@playbook/contract';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { startTestAuthService, type RegisteredUser, type TestAuthService } from '../../test/support/auth-service';

/** The session cookie a response sets, parsed: its value and its attributes, lower-cased. */
function sessionCookieOf(response: Response) {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${REFRESH_COOKIE}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { value: pair!.slice(REFRESH_COOKIE.length + 1), attributes: attributes.map((attribute) => attribute.toLowerCase()) };
}

describe('browser sessions: the refresh token only in an HttpOnly cookie', () => {
  let nats: TestNatsServer;
  let auth: TestAuthService;
  let user: RegisteredUser;

  beforeAll(async () => {
    nats = await startNatsServer();
    auth = await startTestAuthService({ nats });
    user = await auth.registerUser();
  });
  afterAll(async () => {
    await auth?.stop();
    await nats?.destroy();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${auth.url}/api/auth/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const withCookie = (value: string, extra: Record<string, string> = { [CSRF_HEADER]: '1' }) => ({ cookie: `${REFRESH_COOKIE}=${value}`, ...extra });
  const me = (token: string) => fetch(`${auth.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  it('signs in with the token in a Secure, HttpOnly, SameSite=Strict cookie scoped to /api/auth, and none in the body', async () => {
    const login = await post('login', { email: user.user.email, password: user.password, session: 'cookie' });
    expect(login.status).toBe(200);
    const body = (await login.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn', 'user']);
    const cookie = sessionCookieOf(login)!;
    expect(cookie.value).toMatch(/^[\w-]{40,}$/);
    expect(cookie.attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/api/auth', 'max-age=1209600']));
    expect((await me(body.accessToken as string)).status).toBe(200);
  });

  it('refreshes from the cookie with the CSRF header, rotating the cookie; the spent one signs the login out', async () => {
    const login = await post('login', { email: user.user.email, password: user.password, session: 'cookie' });
    const first = sessionCookieOf(login)!.value;

    const refreshed = await post('refresh', { session: 'cookie' }, withCookie(first));
    expect(refreshed.status).toBe(200);
    expect(Object.keys((await refreshed.json()) as object).sort()).toEqual(['accessToken', 'expiresIn', 'user']);
    const second = sessionCookieOf(refreshed)!.value;
    expect(second).not.toBe(first);

    // The spent cookie again: a replay, which ends the login (the newest cookie too) and clears the cookie.
    const replayed = await post('refresh', { session: 'cookie' }, withCookie(first));
    expect(replayed.status).toBe(401);
    expect(sessionCookieOf(replayed)?.attributes).toContain('max-age=0');
    expect((await post('refresh', { session: 'cookie' }, withCookie(second))).status).toBe(401);
  });

  it('refuses to spend the cookie without the CSRF header (403), and spends nothing', async () => {
    const login = await post('login', { email: user.user.email, password: user.password, session: 'cookie' });
    const cookie = sessionCookieOf(login)!.value;
    const forged = await post('refresh', { session: 'cookie' }, withCookie(cookie, {}));
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { detail: string }).detail).toContain(CSRF_HEADER);
    expect((await post('refresh', { session: 'cookie' }, withCookie(cookie))).status).toBe(200);
  });

  it('signs out from the cookie and clears it; the cookie then refreshes nothing', async () => {
    const login = await post('login', { email: user.user.email, password: user.password, session: 'cookie' });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const cookie = sessionCookieOf(login)!.value;
    const logout = await post('logout', { session: 'cookie' }, { authorization: `Bearer ${accessToken}`, ...withCookie(cookie) });
    expect(logout.status).toBe(204);
    expect(sessionCookieOf(logout)?.attributes).toContain('max-age=0');
    expect((await post('refresh', { session: 'cookie' }, withCookie(cookie))).status).toBe(401);
  });

  it('answers 401 to a cookie refresh without the cookie, and keeps bearer clients as they were', async () => {
    expect((await post('refresh', { session: 'cookie' }, { [CSRF_HEADER]: '1' })).status).toBe(401);
    const login = await post('login', { email: user.user.email, password: user.password });
    expect(sessionCookieOf(login)).toBeUndefined();
    const { refreshToken } = (await login.json()) as { refreshToken: string };
    expect(refreshToken).toMatch(/^[\w-]{40,}$/);
    expect((await post('refresh', { refreshToken })).status).toBe(200);
    expect((await post('refresh', { session: 'token' })).status).toBe(400);
  });

  it('signs up straight into a browser session', async () => {
    const signup = await post('register', { email: `cookie-${Date.now()}@example.com`, password: user.password, name: 'Cookie', session: 'cookie' });
    expect(signup.status).toBe(201);
    expect((await signup.json()) as object).not.toHaveProperty('refreshToken');
    expect(sessionCookieOf(signup)?.attributes).toContain('httponly');
  });
});

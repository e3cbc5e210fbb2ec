import { auditEventSchema, userDeletedEventSchema } from '@playbook/contract';
import { createLogger } from '@playbook/kit';
import { connectNats, decodeJson, type NatsHandle } from '@playbook/kit/nats';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { startTestAuthService, strongPassword, type TestAuthService } from '../../test/support/auth-service';

describe('account lifecycle: audit trail, deletion event, nothing secret in the logs', () => {
  let natsServer: TestNatsServer;
  let nats: NatsHandle;
  let auth: TestAuthService;
  const events: Array<{ subject: string; data: unknown }> = [];

  beforeAll(async () => {
    natsServer = await startNatsServer();
    nats = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'events-test', logger: createLogger({ service: 'test', level: 'error' }) });
    nats.connection.subscribe('auth.v1.>', { callback: (_error, message) => events.push({ subject: message.subject, data: decodeJson(message.data) }) });
    await nats.connection.flush();
    auth = await startTestAuthService({ nats: natsServer });
  });
  afterAll(async () => {
    await auth?.stop();
    await nats?.drain();
    await natsServer?.destroy();
  });

  const call = (method: string, path: string, body?: unknown, token?: string) =>
    fetch(`${auth.url}/api/auth/${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...auth.fromClient('198.51.100.7'), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const eventually = async (check: () => boolean) => {
    for (let i = 0; i < 50 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    return check();
  };

  it('audits every step with the client IP, publishes auth.v1.user.deleted, and never logs a password or token', async () => {
    const password = strongPassword();
    const register = await call('POST', 'register', { email: 'grace@example.com', password, name: 'Grace' });
    const registered = (await register.json()) as { user: { id: string; email: string }; accessToken: string; refreshToken: string };
    const userId = registered.user.id;
    await call('POST', 'login', { email: registered.user.email, password: `${password}-wrong` });
    const login = (await (await call('POST', 'login', { email: registered.user.email, password })).json()) as { accessToken: string; refreshToken: string };
    const refreshed = (await (await call('POST', 'refresh', { refreshToken: login.refreshToken })).json()) as { accessToken: string; refreshToken: string };
    await call('POST', 'refresh', { refreshToken: login.refreshToken }); // a replay: that whole login ends
    let replayedLogin = 0;
    for (let i = 0; i < 100 && replayedLogin !== 401; i += 1) {
      replayedLogin = (await call('GET', 'me', undefined, refreshed.accessToken)).status;
      if (replayedLogin !== 401) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(replayedLogin).toBe(401); // its access tokens are refused too, once the revocation is announced
    expect((await call('POST', 'logout', { refreshToken: registered.refreshToken }, registered.accessToken)).status).toBe(204);
    const current = (await (await call('POST', 'login', { email: registered.user.email, password })).json()) as { accessToken: string };

    const wrong = await call('DELETE', 'me', { password: `${password}-nope` }, current.accessToken);
    expect(wrong.status).toBe(401);
    expect((await call('GET', 'me', undefined, current.accessToken)).status).toBe(200);
    expect((await call('DELETE', 'me', { password }, current.accessToken)).status).toBe(204);

    expect(await eventually(() => events.some((event) => event.subject === 'auth.v1.user.deleted'))).toBe(true);
    const deleted = events.find((event) => event.subject === 'auth.v1.user.deleted');
    expect(userDeletedEventSchema.parse(deleted?.data).userId).toBe(userId);

    const expected = ['register', 'login.failure', 'login.success', 'refresh', 'refresh.reuse_detected', 'logout', 'login.success', 'account.deleted'];
    expect(await eventually(() => events.filter((event) => event.subject === 'auth.v1.audit').length >= expected.length)).toBe(true);
    const audits = events.filter((event) => event.subject === 'auth.v1.audit').map((event) => auditEventSchema.parse(event.data));
    expect(audits.map((audit) => audit.action)).toEqual(expected);
    expect(audits.every((audit) => audit.userId === userId && audit.ip === '198.51.100.7')).toBe(true);

    // The account is gone: its password no longer signs in and its still-unexpired token finds no user.
    expect((await call('POST', 'login', { email: registered.user.email, password })).status).toBe(401);
    expect((await call('GET', 'me', undefined, current.accessToken)).status).toBe(401);

    const logs = auth.logs();
    expect(logs).toContain('audit account.deleted');
    for (const secret of [password, registered.accessToken, registered.refreshToken, login.accessToken, login.refreshToken, refreshed.accessToken, refreshed.refreshToken, current.accessToken]) {
      expect(logs).not.toContain(secret);
    }
  });
});

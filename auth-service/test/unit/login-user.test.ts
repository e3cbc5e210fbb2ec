import { BAD_CREDENTIALS, loginUser } from '../../src/domain/login-user';
import { CALLER, fakeAuthDeps, PASSWORD } from './fake-auth-deps';

describe('loginUser (domain, with fakes)', () => {
  it('signs in with the email in any case and spacing, records the login and stores only the refresh token hash', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    const session = await loginUser(fake.deps, { email: '  ADA@Example.com ', password: PASSWORD }, CALLER);
    expect(session.user).toMatchObject({ id: user.id, email: 'ada@example.com' });
    expect(session.user.lastLoginAt).not.toBeNull();
    expect(session.accessToken).toBe(`access-token-of-${user.id}`);
    expect(fake.tokens.size).toBe(1);
    expect(fake.tokens.has(session.refreshToken)).toBe(false);
    expect(fake.audits).toEqual([{ action: 'login.success', userId: user.id, ip: CALLER.ip }]);
  });

  it('gives a wrong password and an unknown email the same 401 and counts both as failures', async () => {
    const fake = fakeAuthDeps();
    await fake.addUser();
    const wrong = loginUser(fake.deps, { email: 'ada@example.com', password: 'not the password' }, CALLER);
    await expect(wrong).rejects.toMatchObject({ status: 401, message: BAD_CREDENTIALS });
    const unknown = loginUser(fake.deps, { email: 'nobody@example.com', password: PASSWORD }, CALLER);
    await expect(unknown).rejects.toMatchObject({ status: 401, message: BAD_CREDENTIALS });
    expect(fake.failures.get('ada@example.com')).toBe(1);
    expect(fake.failures.get('nobody@example.com')).toBe(1);
    expect(fake.tokens.size).toBe(0);
    expect(fake.audits.map((audit) => audit.action)).toEqual(['login.failure', 'login.failure']);
  });

  it('answers 429 with Retry-After once throttled, even for the right password, and never checks it', async () => {
    const fake = fakeAuthDeps({ maxFailures: 2 });
    await fake.addUser();
    for (let i = 0; i < 2; i++) await loginUser(fake.deps, { email: 'ada@example.com', password: 'guess' }, CALLER).catch(() => undefined);
    const verify = jest.spyOn(fake.deps.passwords, 'verify');
    await expect(loginUser(fake.deps, { email: 'ada@example.com', password: PASSWORD }, CALLER)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
    expect(verify).not.toHaveBeenCalled();
    expect(fake.audits.at(-1)).toEqual({ action: 'login.throttled', ip: CALLER.ip });
  });

  it('clears the email\'s failures after a successful login', async () => {
    const fake = fakeAuthDeps({ maxFailures: 2 });
    await fake.addUser();
    await loginUser(fake.deps, { email: 'ada@example.com', password: 'guess' }, CALLER).catch(() => undefined);
    await loginUser(fake.deps, { email: 'ada@example.com', password: PASSWORD }, CALLER);
    expect(fake.failures.has('ada@example.com')).toBe(false);
  });

  it('rehashes the password when the hash parameters changed, and only then', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    await loginUser(fake.deps, { email: 'ada@example.com', password: PASSWORD }, CALLER);
    expect(fake.users.get(user.id)?.passwordHash).toBe(user.passwordHash);
    fake.hashParams.current = 'v3';
    await loginUser(fake.deps, { email: 'ada@example.com', password: PASSWORD }, CALLER);
    expect(fake.users.get(user.id)?.passwordHash).toBe(`hash(${PASSWORD})@v3`);
  });
});

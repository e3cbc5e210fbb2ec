import { BAD_CREDENTIALS, loginUser } from '../../src/domain/login-user';
import { CALLER, fakeAuthDeps, PASSWORD } from './fake-auth-deps';

/** Waits for another check's turn, recorded instead of slept: the test decides when the turn frees. */
const mockWaits: number[] = [];
jest.mock('node:timers/promises', () => ({ ...jest.requireActual('node:timers/promises'), setTimeout: async (ms: number) => void mockWaits.push(ms) }));
beforeEach(() => (mockWaits.length = 0));

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

  it('waits while another password check of the same email runs, and answers 429 after about two seconds without checking', async () => {
    const fake = fakeAuthDeps();
    await fake.addUser();
    fake.turns.set('ada@example.com', 'other-check');
    const verify = jest.spyOn(fake.deps.passwords, 'verify');
    await expect(loginUser(fake.deps, { email: 'ada@example.com', password: PASSWORD }, CALLER)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect(mockWaits.reduce((sum, ms) => sum + ms, 0)).toBe(2000);
    expect(verify).not.toHaveBeenCalled();
    expect(fake.turns.get('ada@example.com')).toBe('other-check');
  });

  it('counts an attempt before the password is checked and gives it back when it succeeds', async () => {
    const fake = fakeAuthDeps();
    await fake.addUser();
    fake.deps.passwords.verify = async (hash, password) => {
      expect([fake.failures.get('ada@example.com'), fake.failures.get(CALLER.ip), fake.turns.has('ada@example.com')]).toEqual([1, 1, true]);
      return hash === `hash(${password})@v2`;
    };
    await loginUser(fake.deps, { email: 'ada@example.com', password: PASSWORD }, CALLER);
    expect([fake.failures.get('ada@example.com'), fake.failures.get(CALLER.ip), fake.turns.size]).toEqual([undefined, 0, 0]);
  });
});

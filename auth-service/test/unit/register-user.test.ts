import { registerUser } from '../../src/domain/register-user';
import { CALLER, fakeAuthDeps, PASSWORD } from './fake-auth-deps';

describe('registerUser (domain, with fakes)', () => {
  it('creates the account under the normalized email, stores only the hash and signs in', async () => {
    const fake = fakeAuthDeps();
    const session = await registerUser(fake.deps, { email: ' Ada@Example.COM', name: 'Ada', password: PASSWORD }, CALLER);
    const [stored] = fake.users.values();
    expect(stored).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    expect(stored?.passwordHash).not.toBe(PASSWORD);
    expect(session.user).toMatchObject({ id: stored?.id, email: 'ada@example.com' });
    expect(session.refreshToken).toEqual(expect.any(String));
    expect(fake.audits).toEqual([{ action: 'register', userId: stored?.id, ip: CALLER.ip }]);
  });

  it('refuses a password made of the user\'s own email or name, and creates nothing', async () => {
    const fake = fakeAuthDeps();
    const body = { email: 'grace.hopper@example.com', name: 'Grace', password: 'hopper-hopper-hopper' };
    await expect(registerUser(fake.deps, body, CALLER)).rejects.toMatchObject({ status: 400 });
    expect(fake.policyInputs[0]).toEqual(['grace.hopper@example.com', 'grace', 'hopper', 'example', 'com', 'Grace']);
    await expect(registerUser(fake.deps, { ...body, password: 'Grace1234567' }, CALLER)).rejects.toMatchObject({ status: 400 });
    expect(fake.users.size).toBe(0);
    expect(fake.tokens.size).toBe(0);
  });

  it('answers 409 for an email taken in another spelling and issues no session', async () => {
    const fake = fakeAuthDeps();
    await fake.addUser('ada@example.com');
    await expect(registerUser(fake.deps, { email: 'ADA@example.com', name: 'Other', password: PASSWORD }, CALLER)).rejects.toMatchObject({ status: 409 });
    expect(fake.users.size).toBe(1);
    expect(fake.tokens.size).toBe(0);
  });

  it('answers 429 past the sign-ups one network may make, before any password work, while another network still signs up', async () => {
    const fake = fakeAuthDeps({ maxSignUps: 2 });
    for (const name of ['one', 'two']) await registerUser(fake.deps, { email: `${name}@example.com`, name, password: PASSWORD }, CALLER);
    const hash = jest.spyOn(fake.deps.passwords, 'hash');
    await expect(registerUser(fake.deps, { email: 'three@example.com', name: 'three', password: PASSWORD }, CALLER)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3600 });
    expect([hash.mock.calls.length, fake.policyInputs.length]).toEqual([0, 2]);
    await expect(registerUser(fake.deps, { email: 'three@example.com', name: 'three', password: PASSWORD }, { ip: '198.51.100.7' })).resolves.toMatchObject({ user: { email: 'three@example.com' } });
  });
});

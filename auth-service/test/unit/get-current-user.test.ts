import { getCurrentUser } from '../../src/domain/get-current-user';
import { fakeAuthDeps } from './fake-auth-deps';

describe('getCurrentUser (domain, with fakes)', () => {
  it('shows the user without the password hash, dates as ISO strings', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    expect(await getCurrentUser(fake.deps, user.id)).toEqual({ id: user.id, email: 'ada@example.com', name: 'Ada', createdAt: '2026-01-01T00:00:00.000Z', lastLoginAt: null });
  });

  it('refuses a token that outlived its account with 401', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    fake.users.delete(user.id);
    await expect(getCurrentUser(fake.deps, user.id)).rejects.toMatchObject({ status: 401 });
  });
});

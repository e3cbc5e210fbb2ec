import { deleteAccount } from '../../src/domain/delete-account';
import { issueSession } from '../../src/domain/issue-session';
import { CALLER, fakeAuthDeps, PASSWORD } from './fake-auth-deps';

describe('deleteAccount (domain, with fakes)', () => {
  it('announces the deletion first, then removes the refresh tokens and the account', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    await issueSession(fake.deps, user);
    await deleteAccount(fake.deps, user.id, PASSWORD, CALLER);
    expect(fake.trail).toEqual(['events.userDeleted', 'refreshTokens.deleteForUser', 'users.delete']);
    expect(fake.users.size).toBe(0);
    expect(fake.tokens.size).toBe(0);
    expect(fake.families.size).toBe(0);
    expect(fake.audits).toEqual([{ action: 'account.deleted', userId: user.id, ip: CALLER.ip }]);
  });

  it('deletes nothing when the event cannot be published, so a retry starts over', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    fake.fail.add('events.userDeleted');
    await expect(deleteAccount(fake.deps, user.id, PASSWORD, CALLER)).rejects.toThrow('events.userDeleted failed');
    expect(fake.users.has(user.id)).toBe(true);
    await deleteAccount(fake.deps, user.id, PASSWORD, CALLER);
    expect(fake.users.size).toBe(0);
  });

  it('refuses a wrong password with 401, counts it like a failed login and throttles guessing with 429', async () => {
    const fake = fakeAuthDeps({ maxFailures: 2 });
    const user = await fake.addUser();
    for (let i = 0; i < 2; i++) await expect(deleteAccount(fake.deps, user.id, 'guess', CALLER)).rejects.toMatchObject({ status: 401 });
    expect(fake.failures.get(user.email)).toBe(2);
    await expect(deleteAccount(fake.deps, user.id, PASSWORD, CALLER)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
    expect(fake.trail).toEqual([]);
    expect(fake.users.has(user.id)).toBe(true);
  });

  it('answers 401 for an account that is already gone', async () => {
    const fake = fakeAuthDeps();
    await expect(deleteAccount(fake.deps, '000000000000000000000099', PASSWORD, CALLER)).rejects.toMatchObject({ status: 401 });
    expect(fake.trail).toEqual([]);
  });
});

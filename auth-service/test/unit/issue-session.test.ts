import { issueSession } from '../../src/domain/issue-session';
import { hashRefreshToken } from '../../src/domain/token-issuer';
import { fakeAuthDeps } from './fake-auth-deps';

describe('issueSession (domain, with fakes)', () => {
  it('stores the refresh token hashed, in a new family, expiring after the refresh TTL', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    const before = Date.now();
    const first = await issueSession(fake.deps, user);
    const second = await issueSession(fake.deps, user);
    const stored = fake.tokens.get(hashRefreshToken(first.refreshToken));
    expect(stored).toMatchObject({ userId: user.id, state: 'active' });
    expect(stored!.expiresAt.getTime() - before).toBeGreaterThanOrEqual(3600 * 1000);
    expect(stored!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3600 * 1000);
    expect(fake.tokens.get(hashRefreshToken(second.refreshToken))?.familyId).not.toBe(stored!.familyId);
    expect(fake.families.get(stored!.familyId)).toEqual({ userId: user.id, revoked: false });
    expect(fake.families.size).toBe(2);
    expect(first).toMatchObject({ accessToken: `access-token-of-${user.id}`, expiresIn: 900 });
  });

  it('keeps the family it is given (a refresh continues the same login)', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    const startedAt = new Date(Date.now() - 60_000);
    const session = await issueSession(fake.deps, user, { familyId: 'family-1', startedAt });
    expect(fake.tokens.get(hashRefreshToken(session.refreshToken))).toMatchObject({ familyId: 'family-1', loginStartedAt: startedAt });
    expect(fake.families.size).toBe(0); // no new login started
  });

  it('ends the refresh token with the login: a login near its maximum age gets a token that expires with it', async () => {
    const fake = fakeAuthDeps(); // refresh tokens live 1 h, logins 4 h
    const user = await fake.addUser();
    const startedAt = new Date(Date.now() - (4 * 3600 - 600) * 1000); // 10 minutes of the login left
    const session = await issueSession(fake.deps, user, { familyId: 'old-login', startedAt });
    expect(fake.tokens.get(hashRefreshToken(session.refreshToken))?.expiresAt.getTime()).toBe(startedAt.getTime() + 4 * 3600 * 1000);
  });
});

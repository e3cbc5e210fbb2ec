import { issueSession } from '../../src/domain/issue-session';
import { logoutSession } from '../../src/domain/logout-session';
import { refreshSession } from '../../src/domain/refresh-session';
import { hashRefreshToken } from '../../src/domain/token-issuer';
import { CALLER, fakeAuthDeps } from './fake-auth-deps';

describe('logoutSession (domain, with fakes)', () => {
  it('revokes the whole login the refresh token belongs to, and no other login of the user', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    const laptop = await issueSession(fake.deps, user);
    const phone = await issueSession(fake.deps, user);
    await logoutSession(fake.deps, user.id, laptop.refreshToken, CALLER);
    const familyOf = (refreshToken: string) => fake.tokens.get(hashRefreshToken(refreshToken))!.familyId;
    expect(fake.families.get(familyOf(laptop.refreshToken))?.revoked).toBe(true);
    expect(fake.families.get(familyOf(phone.refreshToken))?.revoked).toBe(false);
    expect(fake.revokedSessions).toEqual([familyOf(laptop.refreshToken)]); // the verifiers refuse its access tokens
    await expect(refreshSession(fake.deps, laptop.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    await expect(refreshSession(fake.deps, phone.refreshToken, CALLER)).resolves.toBeDefined();
    expect(fake.audits).toEqual([
      { action: 'logout', userId: user.id, ip: CALLER.ip },
      { action: 'refresh', userId: user.id, ip: CALLER.ip },
    ]);
  });

  it('changes nothing for someone else\'s refresh token or an unknown one', async () => {
    const fake = fakeAuthDeps();
    const ada = await fake.addUser('ada@example.com');
    const bob = await fake.addUser('bob@example.com');
    const bobs = await issueSession(fake.deps, bob);
    await logoutSession(fake.deps, ada.id, bobs.refreshToken, CALLER);
    await logoutSession(fake.deps, ada.id, 'unknown', CALLER);
    expect([...fake.families.values()].map((family) => family.revoked)).toEqual([false]);
  });
});


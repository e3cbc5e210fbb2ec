import { issueSession } from '../../src/domain/issue-session';
import { logoutSession } from '../../src/domain/logout-session';
import { hashRefreshToken } from '../../src/domain/token-issuer';
import { CALLER, fakeAuthDeps } from './fake-auth-deps';

describe('logoutSession (domain, with fakes)', () => {
  it('revokes the whole login the refresh token belongs to, and no other login of the user', async () => {
    const fake = fakeAuthDeps();
    const user = await fake.addUser();
    const laptop = await issueSession(fake.deps, user);
    const phone = await issueSession(fake.deps, user);
    await logoutSession(fake.deps, user.id, laptop.refreshToken, CALLER);
    const states = [...fake.tokens.values()].map((token) => token.state);
    expect(states.sort()).toEqual(['active', 'revoked']);
    await expect(fake.deps.refreshTokens.spend(hashRefreshToken(phone.refreshToken), new Date())).resolves.toBeDefined();
    expect(fake.audits).toEqual([{ action: 'logout', userId: user.id, ip: CALLER.ip }]);
  });

  it('changes nothing for someone else\'s refresh token or an unknown one', async () => {
    const fake = fakeAuthDeps();
    const ada = await fake.addUser('ada@example.com');
    const bob = await fake.addUser('bob@example.com');
    const bobs = await issueSession(fake.deps, bob);
    await logoutSession(fake.deps, ada.id, bobs.refreshToken, CALLER);
    await logoutSession(fake.deps, ada.id, 'unknown', CALLER);
    expect([...fake.tokens.values()].map((token) => token.state)).toEqual(['active']);
  });
});


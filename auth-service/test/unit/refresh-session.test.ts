import { issueSession } from '../../src/domain/issue-session';
import { hashRefreshToken } from '../../src/domain/token-issuer';
import { refreshSession } from '../../src/domain/refresh-session';
import { CALLER, fakeAuthDeps } from './fake-auth-deps';

async function signedIn() {
  const fake = fakeAuthDeps();
  const user = await fake.addUser();
  const session = await issueSession(fake.deps, user);
  return { fake, user, session };
}

describe('refreshSession (domain, with fakes)', () => {
  it('rotates: the new refresh token works once, the spent one no longer does', async () => {
    const { fake, user, session } = await signedIn();
    const next = await refreshSession(fake.deps, session.refreshToken, CALLER);
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.user.id).toBe(user.id);
    const families = new Set([...fake.tokens.values()].map((token) => token.familyId));
    expect(families.size).toBe(1); // the same login
    expect([...fake.families.keys()]).toEqual([...families]);
    await expect(refreshSession(fake.deps, next.refreshToken, CALLER)).resolves.toBeDefined();
    expect(fake.audits.map((audit) => audit.action)).toEqual(['refresh', 'refresh']);
  });

  it('rejects a refresh token used twice and revokes its family, so the newest token stops working too', async () => {
    const { fake, session } = await signedIn();
    const next = await refreshSession(fake.deps, session.refreshToken, CALLER);
    await expect(refreshSession(fake.deps, session.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    expect(fake.audits.at(-1)).toMatchObject({ action: 'refresh.reuse_detected' });
    await expect(refreshSession(fake.deps, next.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    expect([...fake.families.values()]).toEqual([{ userId: expect.any(String), revoked: true }]);
    expect(fake.revokedSessions).toEqual([...fake.families.keys()]); // announced once, so the verifiers refuse its access tokens
  });

  it('refuses the tokens of a revoked login without raising a reuse alarm again', async () => {
    const { fake, session } = await signedIn();
    const next = await refreshSession(fake.deps, session.refreshToken, CALLER);
    await refreshSession(fake.deps, session.refreshToken, CALLER).catch(() => undefined);
    for (let i = 0; i < 2; i++) {
      await expect(refreshSession(fake.deps, next.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
      await expect(refreshSession(fake.deps, session.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    }
    expect(fake.audits.map((audit) => audit.action)).toEqual(['refresh', 'refresh.reuse_detected']);
  });

  it('refuses an unknown or expired token without revoking anything', async () => {
    const { fake, session } = await signedIn();
    await expect(refreshSession(fake.deps, 'made-up-token', CALLER)).rejects.toMatchObject({ status: 401 });
    for (const token of fake.tokens.values()) token.expiresAt = new Date(Date.now() - 1000);
    await expect(refreshSession(fake.deps, session.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    expect([...fake.tokens.values()].map((token) => token.state)).toEqual(['active']);
    expect([...fake.families.values()].map((family) => family.revoked)).toEqual([false]);
    expect(fake.audits).toEqual([]);
  });

  it('refuses the token of an account deleted since', async () => {
    const { fake, user, session } = await signedIn();
    fake.users.delete(user.id);
    await expect(refreshSession(fake.deps, session.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
  });

  it('takes back the new pair when a replay revoked the family while the refresh was under way', async () => {
    const { fake, session } = await signedIn();
    const insert = fake.deps.refreshTokens.insert;
    fake.deps.refreshTokens.insert = async (token) => {
      await insert(token);
      await fake.deps.refreshTokens.revokeFamily(token.familyId); // the replay lands between issue and check
    };
    await expect(refreshSession(fake.deps, session.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    expect(fake.audits).toEqual([]);
    const issued = [...fake.tokens.values()].find((token) => token.state === 'active')!;
    expect(await fake.deps.refreshTokens.isFamilyRevoked(issued.familyId)).toBe(true); // the new token is dead with its login
  });

  it('refreshes and revokes a login of the previous version, which has no family record', async () => {
    const { fake, session } = await signedIn();
    fake.families.clear();
    const next = await refreshSession(fake.deps, session.refreshToken, CALLER);
    await expect(refreshSession(fake.deps, session.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    await expect(refreshSession(fake.deps, next.refreshToken, CALLER)).rejects.toMatchObject({ status: 401 });
    expect([...fake.families.values()]).toEqual([{ revoked: true }]);
  });

  it('keeps the login\'s start through every rotation, so refreshing never extends a login past its maximum age', async () => {
    const { fake, session } = await signedIn(); // refresh tokens live 1 h, logins 4 h
    const startedAt = fake.tokens.get(hashRefreshToken(session.refreshToken))!.loginStartedAt!;
    let current = session.refreshToken;
    for (let i = 0; i < 3; i++) current = (await refreshSession(fake.deps, current, CALLER)).refreshToken;
    expect(fake.tokens.get(hashRefreshToken(current))?.loginStartedAt).toEqual(startedAt);
    const newest = fake.tokens.get(hashRefreshToken(current))!;
    newest.loginStartedAt = new Date(startedAt.getTime() - 4 * 3600 * 1000); // as if it began 4 h earlier
    const last = (await refreshSession(fake.deps, current, CALLER)).refreshToken;
    expect(fake.tokens.get(hashRefreshToken(last))!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    await expect(refreshSession(fake.deps, last, CALLER)).rejects.toMatchObject({ status: 401 });
  });
});

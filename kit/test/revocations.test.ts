import { RevocationList } from '@playbook/kit';

describe('RevocationList', () => {
  const token = (overrides: Partial<{ sub: string; sid: string; iat: number }> = {}) => ({ sub: 'ada', sid: 'login-1', iat: 1_000, ...overrides });

  it('refuses every token of an ended session, and only of that session', () => {
    const list = new RevocationList(3_700);
    list.add({ userId: 'ada', sessionId: 'login-1', atSeconds: 1_100 });
    expect(list.isRevoked(token())).toBe(true);
    expect(list.isRevoked(token({ iat: 2_000 }))).toBe(true);
    expect(list.isRevoked(token({ sid: 'login-2' }))).toBe(false);
    expect(list.isRevoked({ sub: 'ada', iat: 1_000 })).toBe(false); // a token without a session (issued before sessions)
  });

  it('refuses a revoked user\'s tokens issued up to the revocation, not later ones or other users\'', () => {
    const list = new RevocationList(3_700);
    list.add({ userId: 'ada', atSeconds: 1_100 });
    expect(list.isRevoked(token({ iat: 1_100 }))).toBe(true);
    expect(list.isRevoked({ sub: 'ada', iat: 900 })).toBe(true);
    expect(list.isRevoked(token({ iat: 1_101 }))).toBe(false);
    expect(list.isRevoked(token({ sub: 'bob' }))).toBe(false);
  });

  it('forgets revocations older than any token they could concern', () => {
    const list = new RevocationList(3_700);
    list.add({ userId: 'ada', sessionId: 'login-1', atSeconds: 1_000 });
    list.add({ userId: 'bob', atSeconds: 1_000 });
    list.prune(1_000 + 3_700);
    expect([list.isRevoked(token()), list.isRevoked({ sub: 'bob', iat: 1_000 })]).toEqual([true, true]);
    list.prune(1_000 + 3_701);
    expect([list.isRevoked(token()), list.isRevoked({ sub: 'bob', iat: 1_000 })]).toEqual([false, false]);
  });
});

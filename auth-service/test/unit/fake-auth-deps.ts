import { ConflictError, ValidationError } from '@playbook/kit';
import type { AuthDeps } from '../../src/domain/auth-deps';
import type { AuditAction, RefreshTokenRecord, UserRecord } from '../../src/domain/ports';

export const CALLER = { ip: '203.0.113.10' };
export const PASSWORD = 'correct horse battery staple';

/**
 * In-memory stand-ins for the ports (domain/ports.ts) and the crypto behind AuthDeps. Passwords "hash" to a readable
 * string (argon2 has its own test), the policy refuses `password1234` and anything containing the user's own
 * words (zxcvbn has its own test), access tokens name their user, refresh tokens are real random ones.
 * Refresh tokens by hash and their logins by family id mirror the repository: a revoked login is its family's state.
 * The throttle asks for 30 s once an email has `maxFailures` failures (an IP twice as many); `failures`
 * counts them by email and by IP. `trail` lists the deletions in order, `fail` makes one named step throw once.
 */
export function fakeAuthDeps(options: { maxFailures?: number; maxSignUps?: number } = {}) {
  const maxFailures = options.maxFailures ?? 3;
  const maxSignUps = options.maxSignUps ?? 10;
  const users = new Map<string, UserRecord>();
  const tokens = new Map<string, RefreshTokenRecord>();
  /** Logins by family id; a family revoked without having been started (a login of the previous version) has no userId. */
  const families = new Map<string, { userId?: string; revoked: boolean }>();
  const failures = new Map<string, number>();
  /** Sessions announced as ended to the verifiers, in order. */
  const revokedSessions: string[] = [];
  /** Sign-ups by client IP; the fake allows `maxSignUps` per IP. */
  const signUps = new Map<string, number>();
  /** Whose turn it is to sign in, by email. */
  const turns = new Map<string, string>();
  const audits: Array<{ action: AuditAction; userId?: string; ip?: string }> = [];
  const trail: string[] = [];
  const fail = new Set<string>();
  /** The user's own words each password check was given (zxcvbn counts them as guessable). */
  const policyInputs: string[][] = [];
  const hashParams = { current: 'v2' };
  let nextId = 1;
  const step = (name: string) => {
    if (fail.delete(name)) throw new Error(`${name} failed`);
    trail.push(name);
  };

  const deps: AuthDeps = {
    users: {
      create: async (user) => {
        if ([...users.values()].some((existing) => existing.email === user.email)) throw new ConflictError('An account with this email already exists');
        const created = { ...user, id: String(nextId++).padStart(24, '0') };
        users.set(created.id, created);
        return { ...created };
      },
      findByEmail: async (email) => [...users.values()].find((user) => user.email === email),
      findById: async (id) => (users.has(id) ? { ...users.get(id)! } : undefined),
      recordLogin: async (id, at, newPasswordHash) => {
        const user = users.get(id);
        if (user) Object.assign(user, { lastLoginAt: at }, newPasswordHash ? { passwordHash: newPasswordHash } : {});
      },
      delete: async (id) => {
        step('users.delete');
        users.delete(id);
      },
    },
    refreshTokens: {
      startFamily: async (familyId, userId) => void families.set(familyId, { userId, revoked: false }),
      insert: async (token) => void tokens.set(token.tokenHash, { ...token, state: 'active' }),
      spend: async (tokenHash, now) => {
        const token = tokens.get(tokenHash);
        if (!token || token.state !== 'active' || token.expiresAt <= now) return undefined;
        token.state = 'spent';
        return { ...token };
      },
      find: async (tokenHash) => (tokens.has(tokenHash) ? { ...tokens.get(tokenHash)! } : undefined),
      revokeFamily: async (familyId) => void families.set(familyId, { ...families.get(familyId), revoked: true }),
      isFamilyRevoked: async (familyId) => families.get(familyId)?.revoked === true,
      deleteForUser: async (userId) => {
        step('refreshTokens.deleteForUser');
        for (const [hash, token] of tokens) {
          if (token.userId !== userId) continue;
          families.delete(token.familyId);
          tokens.delete(hash);
        }
        for (const [familyId, family] of families) if (family.userId === userId) families.delete(familyId);
      },
    },
    passwords: {
      hash: async (password) => `hash(${password})@${hashParams.current}`,
      verify: async (hash, password) => hash !== undefined && hash.startsWith(`hash(${password})@`),
      needsRehash: (hash) => !hash.endsWith(`@${hashParams.current}`),
    },
    passwordPolicy: {
      assertStrong: (password, userInputs) => {
        policyInputs.push(userInputs);
        if (password === 'password1234' || userInputs.some((input) => input.length > 2 && password.includes(input))) {
          throw new ValidationError('Weak password', [{ path: 'password', message: 'is too easy to guess' }]);
        }
      },
    },
    tokens: {
      settings: { issuer: 'playbook-auth', audience: 'playbook-api', accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 3600, loginMaxAgeSeconds: 4 * 3600 },
      signAccessToken: (user) => `access-token-of-${user.id}`,
    },
    throttle: {
      retryAfter: async (email, ip) => ((failures.get(email) ?? 0) >= maxFailures || (failures.get(ip) ?? 0) >= 2 * maxFailures ? 30 : undefined),
      recordAttempt: async (email, ip) => {
        failures.set(email, (failures.get(email) ?? 0) + 1);
        failures.set(ip, (failures.get(ip) ?? 0) + 1);
      },
      recordSuccess: async (email, ip) => {
        failures.delete(email);
        failures.set(ip, (failures.get(ip) ?? 1) - 1);
      },
      claimTurn: async (email, turnId) => (turns.has(email) ? false : (turns.set(email, turnId), true)),
      releaseTurn: async (email, turnId) => {
        if (turns.get(email) === turnId) turns.delete(email);
      },
    },
    registrations: {
      consume: async (ip) => {
        signUps.set(ip, (signUps.get(ip) ?? 0) + 1);
        return signUps.get(ip)! > maxSignUps ? 3600 : undefined;
      },
    },
    events: {
      audit: (action, details) => void audits.push({ action, ...details }),
      userDeleted: async () => step('events.userDeleted'),
      sessionRevoked: async (_userId, sessionId) => void revokedSessions.push(sessionId),
    },
  };

  /** A stored user with PASSWORD hashed under the current parameters. */
  const addUser = async (email = 'ada@example.com', name = 'Ada') =>
    deps.users.create({ email, name, passwordHash: await deps.passwords.hash(PASSWORD), createdAt: new Date('2026-01-01T00:00:00Z'), lastLoginAt: null });

  return { deps, users, tokens, families, failures, turns, signUps, revokedSessions, audits, trail, fail, hashParams, policyInputs, addUser };
}

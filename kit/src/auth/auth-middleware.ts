import type Koa from 'koa';
import { AppError, UnauthorizedError } from '../errors/app-error';
import type { AuthenticatedUser } from './access-token';
import { AccessTokenRejectedError, verifyAccessToken, type AccessTokenVerifierOptions } from './access-token-verifier';
import type { KeyStore } from './jwks-key-store';
import type { RevocableClaims, RevocationList } from './revocations';

export interface AuthMiddlewareOptions {
  keys: KeyStore;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  /** Verified tokens remembered until they expire, so a busy client costs one signature check per token. */
  verifiedCacheSize?: number;
  /** Ended sessions and revoked users, checked on every request, before the cache. */
  revocations?: RevocationList;
}

interface CachedUser {
  user: AuthenticatedUser;
  claims: RevocableClaims;
  expiresAtMs: number;
}

const revoked = () => new UnauthorizedError('The session has ended; sign in again');

/**
 * Verifies the bearer token (ES256 pinned, `kid` from the key store, `iss`/`aud`/`exp`/`nbf` checked; see
 * verifyAccessToken) and puts the user on `ctx.state.user`. A token is refused with 401 problem+json; a key
 * store that cannot be reached is a 503. A token whose session ended or whose user was revoked is a 401 from
 * the moment the revocation is known, cached or not.
 */
export function authMiddleware(options: AuthMiddlewareOptions): Koa.Middleware {
  const cacheSize = options.verifiedCacheSize ?? 10_000;
  const verified = new Map<string, CachedUser>();
  const verifierOptions: AccessTokenVerifierOptions = {
    keys: options.keys,
    issuer: options.issuer,
    audience: options.audience,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
  };

  return async function authMiddleware(ctx, next) {
    const token = /^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!token) throw new UnauthorizedError('A bearer token is required');
    const cached = verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) {
      if (options.revocations?.isRevoked(cached.claims)) throw revoked();
      ctx.state.user = cached.user;
      ctx.state.session = cached.claims;
      return next();
    }
    let user: AuthenticatedUser;
    let claims: RevocableClaims;
    let expiresAtMs: number;
    try {
      const verifiedClaims = await verifyAccessToken(token, verifierOptions);
      user = { id: verifiedClaims.sub, email: verifiedClaims.email };
      claims = { sub: verifiedClaims.sub, sid: verifiedClaims.sid, iat: verifiedClaims.iat };
      expiresAtMs = verifiedClaims.exp * 1000;
    } catch (error) {
      if (error instanceof AccessTokenRejectedError) throw error;
      if (error instanceof AppError && error.status !== 401) throw error; // e.g. the key store is unreachable: 503
      throw new UnauthorizedError('The access token is invalid or expired');
    }
    if (options.revocations?.isRevoked(claims)) throw revoked();
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
    verified.set(token, { user, claims, expiresAtMs });
    ctx.state.user = user;
    ctx.state.session = claims;
    return next();
  };
}

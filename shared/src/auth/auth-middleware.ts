import koaJwt from 'koa-jwt';
import type Koa from 'koa';
import { AppError, UnauthorizedError } from '../errors/app-error';
import { ACCESS_TOKEN_ALGORITHM, accessTokenClaimsSchema, type AuthenticatedUser } from './access-token';
import type { KeyStore } from './jwks-key-store';

export interface AuthMiddlewareOptions {
  keys: KeyStore;
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  /** Verified tokens remembered until they expire, so a busy client costs one signature check per token. */
  verifiedCacheSize?: number;
}

interface CachedUser {
  user: AuthenticatedUser;
  expiresAtMs: number;
}

/**
 * Verifies the bearer token (koa-jwt, ES256 pinned, `iss`/`aud`/`exp` checked) and puts the user on
 * `ctx.state.user`. A token is refused with 401 problem+json; a key store that cannot be reached is a 503.
 */
export function authMiddleware(options: AuthMiddlewareOptions): Koa.Middleware {
  const cacheSize = options.verifiedCacheSize ?? 10_000;
  const verified = new Map<string, CachedUser>();
  const verifyWithKoaJwt = koaJwt({
    secret: async (header: { kid?: string; alg?: string }) => {
      if (header.alg !== ACCESS_TOKEN_ALGORITHM || !header.kid) throw new UnauthorizedError('Unsupported token');
      const key = await options.keys.getKey(header.kid);
      if (!key) throw new UnauthorizedError('Unknown signing key');
      return key as unknown as string;
    },
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    issuer: options.issuer,
    audience: options.audience,
    key: 'jwtClaims',
    tokenKey: 'accessToken',
    ...({ clockTolerance: options.clockToleranceSeconds ?? 30 } as object),
  });

  return async function authMiddleware(ctx, next) {
    const token = /^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!token) throw new UnauthorizedError('A bearer token is required');
    const cached = verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) {
      ctx.state.user = cached.user;
      return next();
    }
    try {
      await verifyWithKoaJwt(ctx, async () => undefined);
    } catch (error) {
      const cause = (error as { originalError?: unknown }).originalError;
      if (cause instanceof AppError && cause.status !== 401) throw cause; // e.g. the key store is unreachable: 503
      throw new UnauthorizedError('The access token is invalid or expired');
    }
    const claims = accessTokenClaimsSchema.safeParse(ctx.state.jwtClaims);
    if (!claims.success) throw new UnauthorizedError('The access token is missing claims');
    const user: AuthenticatedUser = { id: claims.data.sub, email: claims.data.email };
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
    verified.set(token, { user, expiresAtMs: claims.data.exp * 1000 });
    ctx.state.user = user;
    return next();
  };
}

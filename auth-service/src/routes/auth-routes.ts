import Router from '@koa/router';
import {
  deleteAccountBodySchema,
  loginBodySchema,
  logoutBodySchema,
  refreshBodySchema,
  registerBodySchema,
} from '@playbook/contract';
import { authMiddleware, createJwksKeyStore, parseOrThrow, UnauthorizedError, userOf, type RevocationList } from '@playbook/kit';
import type Koa from 'koa';
import type { AuthDeps, Caller } from '../domain/auth-deps';
import { deleteAccount } from '../domain/delete-account';
import { getCurrentUser } from '../domain/get-current-user';
import type { KeyRing } from '../domain/key-ring';
import { loginUser } from '../domain/login-user';
import { logoutSession } from '../domain/logout-session';
import { refreshSession } from '../domain/refresh-session';
import { registerUser } from '../domain/register-user';
import { answerSession, clearRefreshCookie, refreshTokenOf } from './session-cookie';

/** `ctx.ip` is the client the gateway vouched for (createServiceApp's forwardingKey), else the peer's address. */
const callerOf = (ctx: Koa.Context): Caller => ({ ip: ctx.ip });
/** Token answers must not be cached anywhere (RFC 6749 §5.1). */
const noStore = (ctx: Koa.Context) => ctx.set('Cache-Control', 'no-store');

export interface AuthRoutesDeps {
  deps: AuthDeps;
  keyRing: KeyRing;
  /** Ended sessions and deleted accounts, as announced over NATS. */
  revocations: RevocationList;
}

/** `/api/auth/*`, as declared in contract/src/auth-routes.ts. */
export function authRoutes({ deps, keyRing, revocations }: AuthRoutesDeps): Router {
  const router = new Router();
  // Its own keys, straight from the ring: no NATS round trip to verify the tokens it signed.
  const requireUser = authMiddleware({
    keys: createJwksKeyStore({ fetchJwks: async () => keyRing.jwks }),
    issuer: deps.tokens.settings.issuer,
    audience: deps.tokens.settings.audience,
    revocations,
  });

  // A browser session's cookie lives as long as a refresh token may; the login's own limit is checked on use.
  const cookieMaxAge = deps.tokens.settings.refreshTokenTtlSeconds;

  router.post('/api/auth/register', async (ctx) => {
    const body = parseOrThrow(registerBodySchema, ctx.request.body);
    ctx.body = answerSession(ctx, await registerUser(deps, body, callerOf(ctx)), body.session, cookieMaxAge);
    ctx.status = 201;
    noStore(ctx);
  });

  router.post('/api/auth/login', async (ctx) => {
    const body = parseOrThrow(loginBodySchema, ctx.request.body);
    ctx.body = answerSession(ctx, await loginUser(deps, body, callerOf(ctx)), body.session, cookieMaxAge);
    noStore(ctx);
  });

  router.post('/api/auth/refresh', async (ctx) => {
    const body = parseOrThrow(refreshBodySchema, ctx.request.body);
    const mode = 'session' in body ? 'cookie' : 'token';
    try {
      ctx.body = answerSession(ctx, await refreshSession(deps, refreshTokenOf(ctx, body), callerOf(ctx)), mode, cookieMaxAge);
    } catch (error) {
      // A cookie that no longer works is dropped, so the browser stops sending it.
      if (mode === 'cookie' && error instanceof UnauthorizedError) clearRefreshCookie(ctx);
      throw error;
    }
    noStore(ctx);
  });

  router.post('/api/auth/logout', requireUser, async (ctx) => {
    const body = parseOrThrow(logoutBodySchema, ctx.request.body);
    await logoutSession(deps, userOf(ctx).id, refreshTokenOf(ctx, body), callerOf(ctx));
    if ('session' in body) clearRefreshCookie(ctx);
    ctx.status = 204;
  });

  router.get('/api/auth/me', requireUser, async (ctx) => {
    ctx.body = await getCurrentUser(deps, userOf(ctx).id);
    noStore(ctx);
  });

  router.delete('/api/auth/me', requireUser, async (ctx) => {
    const { password } = parseOrThrow(deleteAccountBodySchema, ctx.request.body);
    await deleteAccount(deps, userOf(ctx).id, password, callerOf(ctx));
    ctx.status = 204;
  });

  router.get('/api/auth/jwks.json', (ctx) => {
    ctx.body = keyRing.jwks;
    ctx.set('Cache-Control', 'public, max-age=300');
  });

  return router;
}

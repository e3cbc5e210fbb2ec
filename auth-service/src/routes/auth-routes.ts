import Router from '@koa/router';
import {
  authMiddleware,
  createJwksKeyStore,
  deleteAccountBodySchema,
  loginBodySchema,
  logoutBodySchema,
  parseOrThrow,
  refreshBodySchema,
  registerBodySchema,
  type AuthenticatedUser,
} from '@playbook/shared';
import type Koa from 'koa';
import type { AuthDeps, Caller } from '../domain/auth-deps';
import { deleteAccount } from '../domain/delete-account';
import { getCurrentUser } from '../domain/get-current-user';
import type { KeyRing } from '../domain/key-ring';
import { loginUser } from '../domain/login-user';
import { logoutSession } from '../domain/logout-session';
import { refreshSession } from '../domain/refresh-session';
import { registerUser } from '../domain/register-user';

/** Koa's `ctx.ip` honours X-Forwarded-For only for the trusted proxy hops (createServiceApp's trustedProxyHops). */
const callerOf = (ctx: Koa.Context): Caller => ({ ip: ctx.ip });
/** Parsed by the shared JSON body middleware (@koa/bodyparser). */
const bodyOf = (ctx: Koa.Context): unknown => (ctx.request as { body?: unknown }).body;
const userOf = (ctx: Koa.Context) => ctx.state.user as AuthenticatedUser;
/** Token answers must not be cached anywhere (RFC 6749 §5.1). */
const noStore = (ctx: Koa.Context) => ctx.set('Cache-Control', 'no-store');

export interface AuthRouterOptions {
  deps: AuthDeps;
  keyRing: KeyRing;
}

/** `/api/auth/*`, as declared in shared/src/contract/auth-routes.ts. */
export function createAuthRouter({ deps, keyRing }: AuthRouterOptions): Router {
  const router = new Router({ prefix: '/api/auth' });
  // Its own keys, straight from the ring: no NATS round trip to verify the tokens it signed.
  const requireUser = authMiddleware({
    keys: createJwksKeyStore({ fetchJwks: async () => keyRing.jwks }),
    issuer: deps.tokens.settings.issuer,
    audience: deps.tokens.settings.audience,
  });

  router.post('/register', async (ctx) => {
    const body = parseOrThrow(registerBodySchema, bodyOf(ctx));
    ctx.body = await registerUser(deps, body, callerOf(ctx));
    ctx.status = 201;
    noStore(ctx);
  });

  router.post('/login', async (ctx) => {
    ctx.body = await loginUser(deps, parseOrThrow(loginBodySchema, bodyOf(ctx)), callerOf(ctx));
    noStore(ctx);
  });

  router.post('/refresh', async (ctx) => {
    const { refreshToken } = parseOrThrow(refreshBodySchema, bodyOf(ctx));
    ctx.body = await refreshSession(deps, refreshToken, callerOf(ctx));
    noStore(ctx);
  });

  router.post('/logout', requireUser, async (ctx) => {
    const { refreshToken } = parseOrThrow(logoutBodySchema, bodyOf(ctx));
    await logoutSession(deps, userOf(ctx).id, refreshToken, callerOf(ctx));
    ctx.status = 204;
  });

  router.get('/me', requireUser, async (ctx) => {
    ctx.body = await getCurrentUser(deps, userOf(ctx).id);
    noStore(ctx);
  });

  router.delete('/me', requireUser, async (ctx) => {
    const { password } = parseOrThrow(deleteAccountBodySchema, bodyOf(ctx));
    await deleteAccount(deps, userOf(ctx).id, password, callerOf(ctx));
    ctx.status = 204;
  });

  router.get('/jwks.json', (ctx) => {
    ctx.body = keyRing.jwks;
    ctx.set('Cache-Control', 'public, max-age=300');
  });

  return router;
}

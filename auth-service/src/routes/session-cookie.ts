import { CSRF_HEADER, REFRESH_COOKIE, REFRESH_COOKIE_PATH, type AuthSession, type CookieSession } from '@playbook/contract';
import { ForbiddenError, UnauthorizedError } from '@playbook/kit';
import type Koa from 'koa';

/**
 * How a browser session's refresh token travels: in an HttpOnly cookie only the /api/auth routes receive, never
 * in a body. Koa's cookie helper refuses `Secure` on the plain HTTP behind the ingress, so the header is written here.
 */
function setRefreshCookie(ctx: Koa.Context, value: string, maxAgeSeconds: number): void {
  ctx.append('Set-Cookie', `${REFRESH_COOKIE}=${value}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`);
}

export const clearRefreshCookie = (ctx: Koa.Context) => setRefreshCookie(ctx, '', 0);

/** The answer of a sign-in or refresh: the session as it is, or, for a browser session, its refresh token moved to the cookie. */
export function answerSession(ctx: Koa.Context, session: AuthSession, mode: 'token' | 'cookie' | undefined, cookieMaxAgeSeconds: number): AuthSession | CookieSession {
  if (mode !== 'cookie') return session;
  const { refreshToken, ...rest } = session;
  setRefreshCookie(ctx, refreshToken, cookieMaxAgeSeconds);
  return rest;
}

/**
 * The refresh token a request spends: from its body, or from the cookie. The cookie is sent by the browser on
 * its own, so spending it needs the CSRF header a cross-site page cannot send.
 */
export function refreshTokenOf(ctx: Koa.Context, body: { refreshToken: string } | { session: 'cookie' }): string {
  if ('refreshToken' in body) return body.refreshToken;
  if (!ctx.get(CSRF_HEADER)) throw new ForbiddenError(`A session cookie is spent only with the ${CSRF_HEADER} header`);
  const token = ctx.cookies.get(REFRESH_COOKIE);
  if (!token) throw new UnauthorizedError('No session cookie: sign in again');
  return token;
}

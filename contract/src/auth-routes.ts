import { z } from 'zod';
import { jwksSchema } from '@playbook/kit';
import type { PublicRoute } from './public-route';

/**
 * The public routes of auth-service and the schemas it validates with. Request
 * schemas carry no transforms (emails are normalized by the service), so they stay JSON-Schema-representable.
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// Trimmed before the email check, so " Ada@example.com" is accepted; `format` keeps the input's JSON Schema precise.
const email = z.string().trim().pipe(z.email().max(254)).meta({ format: 'email', description: 'Compared case-insensitively, surrounding spaces ignored' });
/** Login and account deletion accept any length: a password set under older rules must still work. */
const anyPassword = z.string().min(1).max(1024);
const refreshToken = z.string().min(1).max(512).meta({ description: 'The opaque refresh token from the last login or refresh' });

/**
 * Browser sessions: with `session: "cookie"` the refresh token travels only in this cookie (HttpOnly, Secure,
 * SameSite=Strict, scoped to /api/auth), never in a body a script could read. A request that spends it
 * (refresh, logout) must carry CSRF_HEADER, which no cross-site form can set and a cross-origin script can set
 * only after a CORS preflight the gateway grants to CORS_ORIGINS alone.
 */
export const REFRESH_COOKIE = '__Secure-playbook-refresh';
export const REFRESH_COOKIE_PATH = '/api/auth';
export const CSRF_HEADER = 'x-playbook-csrf';
const session = z
  .enum(['token', 'cookie'])
  .meta({ description: '`token` (the default): the refresh token in the answer. `cookie`: in an HttpOnly cookie instead, for browsers' });
const fromCookie = z.strictObject({
  session: z.literal('cookie').meta({ description: `The refresh token is the ${REFRESH_COOKIE} cookie; send the ${CSRF_HEADER} header too` }),
});

export const registerBodySchema = z.strictObject({
  email,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
    .meta({ description: '12–128 characters; common or guessable passwords are refused' }),
  name: z.string().trim().min(1).max(100),
  session: session.optional(),
});
export type RegisterBody = z.infer<typeof registerBodySchema>;

export const loginBodySchema = z.strictObject({ email, password: anyPassword, session: session.optional() });
export type LoginBody = z.infer<typeof loginBodySchema>;

export const refreshBodySchema = z.union([z.strictObject({ refreshToken }), fromCookie]);
export type RefreshBody = z.infer<typeof refreshBodySchema>;

export const logoutBodySchema = z.union([z.strictObject({ refreshToken }), fromCookie]);
export type LogoutBody = z.infer<typeof logoutBodySchema>;

export const deleteAccountBodySchema = z.strictObject({ password: anyPassword.meta({ description: 'The current password, to confirm' }) });
export type DeleteAccountBody = z.infer<typeof deleteAccountBodySchema>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime().nullable(),
});
export type UserView = z.infer<typeof userSchema>;

export const authSessionSchema = z.object({
  user: userSchema,
  accessToken: z.string().meta({ description: 'ES256 JWT, send as `Authorization: Bearer <token>`' }),
  refreshToken: z.string().meta({ description: 'Opaque, single use: each refresh returns a new one' }),
  expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
});
export type AuthSession = z.infer<typeof authSessionSchema>;
/** A browser session's answer: the same without the refresh token, which is in the cookie. */
export const cookieSessionSchema = authSessionSchema.omit({ refreshToken: true });
export type CookieSession = z.infer<typeof cookieSessionSchema>;
const sessionAnswer = z.union([authSessionSchema, cookieSessionSchema]);

export const authRoutes: PublicRoute[] = [
  {
    method: 'POST',
    path: '/api/auth/register',
    errors: [409],
    service: 'auth',
    auth: false,
    summary: 'Create an account and sign in (429 with Retry-After past the sign-ups one network may make in an hour, or while the service is busy hashing passwords)',
    request: { body: registerBodySchema },
    responses: { 201: { description: 'The new user and a token pair (with `session: "cookie"`, the refresh token in the cookie)', schema: sessionAnswer } },
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    errors: [401],
    service: 'auth',
    auth: false,
    summary: 'Sign in with email and password (429 with Retry-After after repeated failures)',
    request: { body: loginBodySchema },
    responses: { 200: { description: 'The user and a token pair (with `session: "cookie"`, the refresh token in the cookie)', schema: sessionAnswer } },
  },
  {
    method: 'POST',
    path: '/api/auth/refresh',
    errors: [401, 403],
    service: 'auth',
    auth: false,
    summary: 'Trade a refresh token (or the session cookie) for a new pair; reusing a spent one signs that login out everywhere',
    request: { body: refreshBodySchema },
    responses: { 200: { description: 'A new token pair (from the cookie: the new refresh token in the cookie)', schema: sessionAnswer } },
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    errors: [403],
    service: 'auth',
    auth: true,
    summary: 'Sign out: revoke the refresh token (or the session cookie, which is cleared) and every token of its login',
    request: { body: logoutBodySchema },
    responses: { 204: { description: 'Signed out' } },
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    service: 'auth',
    auth: true,
    summary: 'The signed-in user',
    responses: { 200: { description: 'The current user', schema: userSchema } },
  },
  {
    method: 'DELETE',
    path: '/api/auth/me',
    service: 'auth',
    auth: true,
    summary: "Delete the account (confirm with the password); the other services remove the user's data",
    request: { body: deleteAccountBodySchema },
    responses: { 204: { description: 'Account deleted' } },
  },
  {
    method: 'GET',
    path: '/api/auth/jwks.json',
    service: 'auth',
    auth: false,
    summary: 'Public keys that verify access tokens (JWKS, RFC 7517)',
    responses: { 200: { description: 'The JSON Web Key Set', schema: jwksSchema } },
  },
];

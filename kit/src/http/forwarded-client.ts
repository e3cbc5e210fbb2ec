import { createHmac, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';

/**
 * The client IP as the gateway vouches for it. `X-Forwarded-For` can be written by anyone who reaches a service,
 * so the services trust no such header: the gateway signs the client IP it derived with a key only it and the
 * services that need the client IP hold (FORWARDING_KEY_FILE), and a service takes the IP only under a valid,
 * fresh signature. Anything else counts as the socket's own address.
 */
export const FORWARDED_CLIENT_HEADER = 'x-playbook-client';

/** How long a signed header stays good: enough for a queued request, short enough that a captured one soon expires. */
const MAX_AGE_SECONDS = 60;
/** The shortest key accepted: 256 bits. */
export const FORWARDING_KEY_MIN_BYTES = 32;

const signatureOf = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** `<ip> <unix seconds> <HMAC-SHA256 of both, base64url>`: spaces, because IPv6 addresses hold colons and dots. */
export function signForwardedClient(key: Buffer, ip: string, nowMs = Date.now()): string {
  const payload = `${ip} ${Math.floor(nowMs / 1000)}`;
  return `${payload} ${signatureOf(key, payload)}`;
}

/** The IP a header vouches for, or undefined when it is malformed, forged or stale. */
export function readForwardedClient(key: Buffer, header: string | string[] | undefined, nowMs = Date.now()): string | undefined {
  if (typeof header !== 'string') return undefined;
  const [ip, seconds, signature, extra] = header.split(' ');
  if (!ip || !seconds || !signature || extra !== undefined || !/^\d{1,12}$/.test(seconds)) return undefined;
  const age = nowMs / 1000 - Number(seconds);
  if (age > MAX_AGE_SECONDS || age < -MAX_AGE_SECONDS) return undefined;
  const expected = Buffer.from(signatureOf(key, `${ip} ${seconds}`));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? ip : undefined;
}

/** Sets `ctx.ip` from a valid signed header; without one, `ctx.ip` stays the peer's address. */
export function forwardedClientMiddleware(key: Buffer): Koa.Middleware {
  return async function forwardedClientMiddleware(ctx, next) {
    const ip = readForwardedClient(key, ctx.get(FORWARDED_CLIENT_HEADER) || undefined);
    if (ip) ctx.request.ip = ip;
    await next();
  };
}

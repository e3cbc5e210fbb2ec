import { verify, type KeyObject } from 'node:crypto';
import { UnauthorizedError } from '../errors/app-error';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_MAX_AGE_SECONDS, ACCESS_TOKEN_TYPE, accessTokenClaimsSchema, type AccessTokenClaims } from './access-token';
import type { KeyStore } from './jwks-key-store';

export interface AccessTokenVerifierOptions {
  keys: KeyStore;
  issuer: string;
  audience: string;
  /** Leeway for `exp` and `nbf`, for clocks that drift between the auth service and its verifiers. */
  clockToleranceSeconds: number;
}

/** Why a token was refused; tests name it, clients only ever see one 401. */
export type AccessTokenRejection = 'malformed' | 'algorithm' | 'type' | 'unknown-key' | 'signature' | 'not-yet-valid' | 'expired' | 'issuer' | 'audience' | 'claims';

/** A token that is not an access token of ours, for us, in time: always a 401. */
export class AccessTokenRejectedError extends UnauthorizedError {
  constructor(readonly reason: AccessTokenRejection) {
    super(reason === 'claims' ? 'The access token is missing claims' : 'The access token is invalid or expired');
  }
}

/** Three base64url parts (RFC 7515 compact serialization) and a signature: an unsigned (`alg: none`) token fails here already. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** An ES256 signature is r ‖ s, 32 bytes each (RFC 7518 §3.4). */
const ES256_SIGNATURE_BYTES = 64;

function decodeJsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new AccessTokenRejectedError('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AccessTokenRejectedError('malformed');
  return value as Record<string, unknown>;
}

/** ES256 means a P-256 public key; checked once per key object the store hands out. */
const p256PublicKeys = new WeakSet<KeyObject>();
function isP256PublicKey(key: KeyObject): boolean {
  if (p256PublicKeys.has(key)) return true;
  const fits = key.type === 'public' && key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (fits) p256PublicKeys.add(key);
  return fits;
}

/**
 * `exp`, `nbf`, `iss` and `aud` as RFC 7519 §4.1 defines them, `exp`/`nbf` with the leeway, and the token's age
 * (`iat` at most ACCESS_TOKEN_MAX_AGE_SECONDS ago, not in the future); a missing `exp` or `iat` is left to the
 * claims schema.
 */
function checkRegisteredClaims(payload: Record<string, unknown>, options: AccessTokenVerifierOptions, nowSeconds: number): void {
  const { nbf, exp, iat, iss, aud } = payload;
  const leeway = options.clockToleranceSeconds;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds + leeway)) throw new AccessTokenRejectedError('not-yet-valid');
  if (iat !== undefined && (typeof iat !== 'number' || iat > nowSeconds + leeway)) throw new AccessTokenRejectedError('not-yet-valid');
  if (exp !== undefined && (typeof exp !== 'number' || nowSeconds >= exp + leeway)) throw new AccessTokenRejectedError('expired');
  if (typeof iat === 'number' && nowSeconds >= iat + ACCESS_TOKEN_MAX_AGE_SECONDS + leeway) throw new AccessTokenRejectedError('expired');
  if (iss !== options.issuer) throw new AccessTokenRejectedError('issuer');
  const audiences: unknown[] = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.audience)) throw new AccessTokenRejectedError('audience');
}

/**
 * Verifies an access token with `crypto.verify` on the key store's KeyObject: the algorithm is pinned to
 * ES256 (never `none`, never HS256 keyed with the public key), `typ` must be `at+jwt`, the key is found by
 * `kid` and must be P-256,
 * then `nbf`/`exp` (with the leeway), `iss`, `aud` and the claims every access token carries are checked.
 * The same checks koa-jwt and jsonwebtoken made, without their per-call work (decoding the token twice,
 * promise wrappers, converting the signature to DER for OpenSSL): 94 instead of 139 CPU µs per distinct
 * token, of which 85 are the signature check (docs/benchmarks.md, Gateway). Throws AccessTokenRejectedError;
 * a key store that cannot be reached throws its own error (a 503, not the token's fault).
 */
export async function verifyAccessToken(token: string, options: AccessTokenVerifierOptions, nowSeconds = Math.floor(Date.now() / 1000)): Promise<AccessTokenClaims> {
  if (!COMPACT_JWS.test(token)) throw new AccessTokenRejectedError('malformed');
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  const header = decodeJsonObject(encodedHeader);
  if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw new AccessTokenRejectedError('algorithm');
  if (header.typ !== ACCESS_TOKEN_TYPE) throw new AccessTokenRejectedError('type');
  if (typeof header.kid !== 'string' || header.kid === '') throw new AccessTokenRejectedError('unknown-key');
  const key = await options.keys.getKey(header.kid);
  if (!key || !isP256PublicKey(key)) throw new AccessTokenRejectedError('unknown-key');
  const signature = Buffer.from(encodedSignature, 'base64url');
  const signedPart = Buffer.from(token.slice(0, encodedHeader.length + 1 + encodedPayload.length), 'latin1');
  if (signature.length !== ES256_SIGNATURE_BYTES || !verify('sha256', signedPart, { key, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new AccessTokenRejectedError('signature');
  }
  const payload = decodeJsonObject(encodedPayload);
  checkRegisteredClaims(payload, options, nowSeconds);
  const claims = accessTokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new AccessTokenRejectedError('claims');
  return claims.data;
}


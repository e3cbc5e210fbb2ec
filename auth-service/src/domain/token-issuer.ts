import { createHash, randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from '@playbook/kit';
import type { KeyRing } from './key-ring';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** A login ends this long after it began, however often its tokens were refreshed. */
  loginMaxAgeSeconds: number;
}

export interface TokenIssuer {
  readonly settings: TokenSettings;
  /** An ES256 access token with `sub`, `email`, `sid` (the login), `iss`, `aud`, `iat`, `exp`, `jti` and the signing key's `kid`. */
  signAccessToken(user: { id: string; email: string }, sessionId: string): string;
}

export function createTokenIssuer(keyRing: KeyRing, settings: TokenSettings): TokenIssuer {
  return {
    settings,
    signAccessToken: (user, sessionId) =>
      jwt.sign({ email: user.email, sid: sessionId }, keyRing.signing.privateKey, {
        algorithm: ACCESS_TOKEN_ALGORITHM,
        keyid: keyRing.signing.kid,
        header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE },
        subject: user.id,
        issuer: settings.issuer,
        audience: settings.audience,
        expiresIn: settings.accessTokenTtlSeconds,
        jwtid: randomUUID(),
      }),
  };
}

/** An opaque refresh token: 256 random bits, base64url. Only its hash is stored. */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');

/** SHA-256 is enough here: the token has 256 bits of entropy, so there is nothing to brute-force. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

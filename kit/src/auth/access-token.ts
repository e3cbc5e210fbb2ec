import { z } from 'zod';

/** Who issues and who accepts access tokens; configurable, these are the defaults. */
export const DEFAULT_TOKEN_ISSUER = 'playbook-auth';
export const DEFAULT_TOKEN_AUDIENCE = 'playbook-api';
/** ES256 only: the verifier pins it, so `none`, HS256-with-the-public-key and RS256 swaps are refused. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
/** The JOSE `typ` of an access token (RFC 9068), so no other JWT signed with the same key passes for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** No access token is accepted longer than this after it was issued, whatever its `exp` says (the longest lifetime auth-service issues). */
export const ACCESS_TOKEN_MAX_AGE_SECONDS = 3600;

export const accessTokenClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string(),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number(),
  exp: z.number(),
  jti: z.string(),
  /** The login (refresh token family) the token belongs to; ending it revokes the token. */
  sid: z.string().optional(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** What routes see on `ctx.state.user` once the token is verified. */
export interface AuthenticatedUser {
  id: string;
  email: string;
}

/** A JSON Web Key Set of public EC P-256 keys, as auth-service serves it over HTTP and NATS. */
export const jwkSchema = z.looseObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal(ACCESS_TOKEN_ALGORITHM).optional(),
  use: z.literal('sig').optional(),
});
export const jwksSchema = z.object({ keys: z.array(jwkSchema) });
export type Jwks = z.infer<typeof jwksSchema>;

import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createKeyRing } from '../../src/domain/key-ring';
import { createTokenIssuer, hashRefreshToken, newRefreshToken } from '../../src/domain/token-issuer';

const settings = { issuer: 'playbook-auth', audience: 'playbook-api', accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 3600, loginMaxAgeSeconds: 7200 };
const ring = createKeyRing({ privateKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string });

describe('token issuer (domain)', () => {
  it('signs an ES256 access token that names its key, its user, issuer, audience and a 15 minute lifetime', () => {
    const token = createTokenIssuer(ring, settings).signAccessToken({ id: 'u1', email: 'ada@example.com' }, 'login-1');
    const { header, payload } = jwt.decode(token, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(header).toMatchObject({ alg: 'ES256', kid: ring.signing.kid });
    const verified = jwt.verify(token, ring.publicKeys.get(ring.signing.kid)!, { algorithms: ['ES256'], issuer: 'playbook-auth', audience: 'playbook-api' }) as jwt.JwtPayload;
    expect(verified).toMatchObject({ sub: 'u1', email: 'ada@example.com', sid: 'login-1' });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('gives every token its own jti', () => {
    const issuer = createTokenIssuer(ring, settings);
    const ids = [1, 2].map(() => (jwt.decode(issuer.signAccessToken({ id: 'u1', email: 'a@b.c' }, 'login-1')) as jwt.JwtPayload).jti);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('makes unguessable refresh tokens and stores them under a stable hash that is not the token', () => {
    const token = newRefreshToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newRefreshToken()).not.toBe(token);
    expect(hashRefreshToken(token)).toBe(hashRefreshToken(token));
    expect(hashRefreshToken(token)).not.toContain(token);
  });
});

import { createHmac, generateKeyPairSync, randomUUID, sign as signBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  AccessTokenRejectedError,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  ServiceUnavailableError,
  verifyAccessToken,
  type AccessTokenRejection,
  type KeyStore,
} from '@playbook/kit';

const NOW = 1_800_000_000;
const LEEWAY = 30;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyAccessToken: only ES256 tokens from our keys, for us, in time', () => {
  const ours = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const keys: KeyStore = {
    getKey: async (kid) => ({ ours: ours.publicKey, 'p-384': p384.publicKey })[kid],
  };
  const options = { keys, issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE, clockToleranceSeconds: LEEWAY };

  const claims = (overrides: Record<string, unknown> = {}) => ({
    sub: 'user-1',
    email: 'ada@example.com',
    iss: DEFAULT_TOKEN_ISSUER,
    aud: DEFAULT_TOKEN_AUDIENCE,
    iat: NOW - 60,
    exp: NOW + 900,
    jti: randomUUID(),
    ...overrides,
  });
  /** Signs whatever it is given, as a forger could: no library refusing odd claims or headers on the way. */
  const signRaw = (header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject) => {
    const signed = `${b64(header)}.${b64(payload)}`;
    return `${signed}.${signBytes('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const sign = (payload: Record<string, unknown>, key: KeyObject = ours.privateKey, kid = 'ours') => signRaw({ alg: 'ES256', typ: 'at+jwt', kid }, payload, key);
  const verifyAt = (token: string, nowSeconds = NOW) => verifyAccessToken(token, options, nowSeconds);
  const rejection = async (token: string, nowSeconds = NOW): Promise<AccessTokenRejection | 'accepted'> => {
    try {
      await verifyAt(token, nowSeconds);
      return 'accepted';
    } catch (error) {
      if (error instanceof AccessTokenRejectedError) return error.reason;
      throw error;
    }
  };

  it('returns the claims of a token signed with a known key, for a single or a listed audience', async () => {
    const asAuthServiceSigns = jwt.sign(claims(), ours.privateKey, { algorithm: 'ES256', keyid: 'ours', header: { alg: 'ES256', typ: 'at+jwt' } });
    await expect(verifyAt(asAuthServiceSigns)).resolves.toMatchObject({ sub: 'user-1', email: 'ada@example.com', exp: NOW + 900 });
    expect(await rejection(sign(claims({ aud: ['another-api', DEFAULT_TOKEN_AUDIENCE] })))).toBe('accepted');
  });

  it('refuses other algorithms: none, HS256 keyed with the public key, ES384', async () => {
    const hsSigned = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'ours' })}.${b64(claims())}`;
    const publicPem = ours.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const hsToken = `${hsSigned}.${createHmac('sha256', publicPem).update(hsSigned).digest('base64url')}`;
    const [, payload, signature] = sign(claims()).split('.');
    expect({
      none: await rejection(`${b64({ alg: 'none', typ: 'JWT', kid: 'ours' })}.${b64(claims())}.`),
      hs256: await rejection(hsToken),
      es384Header: await rejection(`${b64({ alg: 'ES384', typ: 'JWT', kid: 'ours' })}.${payload}.${signature}`),
    }).toEqual({ none: 'malformed', hs256: 'algorithm', es384Header: 'algorithm' });
  });

  it('refuses a token without kid, with an unknown kid, or whose kid names a key that is not P-256', async () => {
    expect({
      noKid: await rejection(signRaw({ alg: 'ES256', typ: 'at+jwt' }, claims(), ours.privateKey)),
      unknownKid: await rejection(sign(claims(), stranger.privateKey, 'stranger')),
      p384Key: await rejection(sign(claims(), ours.privateKey, 'p-384')),
    }).toEqual({ noKid: 'unknown-key', unknownKid: 'unknown-key', p384Key: 'unknown-key' });
  });

  it('refuses a foreign signature, a tampered payload and a truncated signature', async () => {
    const [header, , signature] = sign(claims()).split('.');
    expect({
      foreign: await rejection(sign(claims(), stranger.privateKey, 'ours')),
      tampered: await rejection(`${header}.${b64(claims({ sub: 'eve' }))}.${signature}`),
      truncated: await rejection(`${header}.${b64(claims())}.${signature.slice(0, -4)}`),
    }).toEqual({ foreign: 'signature', tampered: 'signature', truncated: 'signature' });
  });

  it('refuses what is not a signed JWT: two parts, stray characters, a header that is not a JSON object', async () => {
    const [header, payload, signature] = sign(claims()).split('.');
    expect({
      twoParts: await rejection(`${header}.${payload}`),
      stray: await rejection(`${header}.${payload}.${signature}=`),
      arrayHeader: await rejection(`${b64(['ES256'])}.${payload}.${signature}`),
      notJson: await rejection(`${Buffer.from('{alg').toString('base64url')}.${payload}.${signature}`),
    }).toEqual({ twoParts: 'malformed', stray: 'malformed', arrayHeader: 'malformed', notJson: 'malformed' });
  });

  it('allows the leeway on exp and nbf and not a second more', async () => {
    expect({
      expiredWithinLeeway: await rejection(sign(claims({ exp: NOW - LEEWAY + 1 }))),
      expiredAtLeeway: await rejection(sign(claims({ exp: NOW - LEEWAY }))),
      expiredLongAgo: await rejection(sign(claims({ exp: NOW - 3600 }))),
      expNotANumber: await rejection(sign(claims({ exp: String(NOW + 900) }))),
      notYetWithinLeeway: await rejection(sign(claims({ nbf: NOW + LEEWAY }))),
      notYetBeyondLeeway: await rejection(sign(claims({ nbf: NOW + LEEWAY + 1 }))),
      nbfNotANumber: await rejection(sign(claims({ nbf: String(NOW) }))),
    }).toEqual({
      expiredWithinLeeway: 'accepted',
      expiredAtLeeway: 'expired',
      expiredLongAgo: 'expired',
      expNotANumber: 'expired',
      notYetWithinLeeway: 'accepted',
      notYetBeyondLeeway: 'not-yet-valid',
      nbfNotANumber: 'not-yet-valid',
    });
  });

  it('refuses a JWT that is not typed as an access token, and a token older than the longest lifetime whatever its exp', async () => {
    expect({
      typJwt: await rejection(signRaw({ alg: 'ES256', typ: 'JWT', kid: 'ours' }, claims(), ours.privateKey)),
      noTyp: await rejection(signRaw({ alg: 'ES256', kid: 'ours' }, claims(), ours.privateKey)),
      issuedAnHourAgoWithinLeeway: await rejection(sign(claims({ iat: NOW - 3600 - LEEWAY + 1, exp: NOW + 3600 }))),
      issuedAnHourAgoBeyondLeeway: await rejection(sign(claims({ iat: NOW - 3600 - LEEWAY, exp: NOW + 3600 }))),
      issuedInTheFuture: await rejection(sign(claims({ iat: NOW + LEEWAY + 1 }))),
    }).toEqual({
      typJwt: 'type',
      noTyp: 'type',
      issuedAnHourAgoWithinLeeway: 'accepted',
      issuedAnHourAgoBeyondLeeway: 'expired',
      issuedInTheFuture: 'not-yet-valid',
    });
  });

  it('refuses another issuer or audience, and a token without the claims every access token carries', async () => {
    const { exp: _exp, ...withoutExp } = claims();
    const { email: _email, ...withoutEmail } = claims();
    expect({
      issuer: await rejection(sign(claims({ iss: 'someone-else' }))),
      audience: await rejection(sign(claims({ aud: 'another-api' }))),
      audienceList: await rejection(sign(claims({ aud: ['another-api', 'a-third-api'] }))),
      noAudience: await rejection(sign(claims({ aud: undefined }))),
      noExp: await rejection(sign(withoutExp)),
      noEmail: await rejection(sign(withoutEmail)),
      emptySubject: await rejection(sign(claims({ sub: '' }))),
    }).toEqual({ issuer: 'issuer', audience: 'audience', audienceList: 'audience', noAudience: 'audience', noExp: 'claims', noEmail: 'claims', emptySubject: 'claims' });
  });

  it('answers every refusal with the same 401 detail, and lets a key store outage through as itself', async () => {
    const refused = await verifyAt(sign(claims({ aud: 'another-api' }))).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 401, detail: 'The access token is invalid or expired' });
    const outage = new ServiceUnavailableError('The auth service is unavailable');
    const unreachable: KeyStore = { getKey: async () => Promise.reject(outage) };
    await expect(verifyAccessToken(sign(claims()), { ...options, keys: unreachable }, NOW)).rejects.toBe(outage);
  });
});

import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@playbook/kit';
import { authConfigSchema } from '../src/config';
import { jwkThumbprint, loadKeyRing } from '../src/domain/key-ring';

describe('auth-service configuration and signing keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops in production without a signing key, with one line naming the variable', () => {
    expect(() => loadConfig(authConfigSchema, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig(authConfigSchema, { NODE_ENV: 'production' })).toThrow(/JWT_PRIVATE_KEY: is required in production/);
    expect(() => loadConfig(authConfigSchema, { ARGON2_MEMORY_KIB: '4096' })).toThrow(/ARGON2_MEMORY_KIB/);
  });

  it('generates a development key once (mode 0600) and keeps signing with it', () => {
    const config = loadConfig(authConfigSchema, { JWT_KEYS_DIR: join(dir, 'keys') });
    const first = loadKeyRing(config);
    const second = loadKeyRing(config);
    expect(second.signing.kid).toBe(first.signing.kid);
    expect(statSync(join(dir, 'keys', 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(first.jwks.keys).toEqual([expect.objectContaining({ kid: first.signing.kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })]);
  });

  it('refuses a signing key that is not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(() => loadKeyRing(loadConfig(authConfigSchema, { JWT_PRIVATE_KEY: rsa }))).toThrow(/must be an EC P-256 key/);
  });

  it('uses the RFC 7638 thumbprint as kid', () => {
    // RFC 7638 §3.1 canonical form, computed independently for a fixed key.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const expected = createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url');
    expect(jwkThumbprint(publicKey)).toBe(expected);
  });
});

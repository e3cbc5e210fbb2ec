import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyRing, loadKeyRing } from '../../src/domain/key-ring';

const pemOf = (type: 'ec' | 'rsa') => {
  const { privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 1024 });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
};

describe('key ring (domain)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'key-ring-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes the signing key and every previous key in the JWKS, each under its own stable kid', () => {
    const current = pemOf('ec');
    const previous = pemOf('ec');
    const ring = createKeyRing({ privateKeyPem: current, previousPems: [previous] });
    expect(ring.jwks.keys.map((key) => key.kid)).toEqual([ring.signing.kid, expect.any(String)]);
    expect(new Set(ring.jwks.keys.map((key) => key.kid)).size).toBe(2);
    expect(ring.jwks.keys.every((key) => key.alg === 'ES256' && key.use === 'sig' && !('d' in key))).toBe(true);
    expect(createKeyRing({ privateKeyPem: current }).signing.kid).toBe(ring.signing.kid);
  });

  it('refuses a key that is not EC P-256, naming which one', () => {
    expect(() => createKeyRing({ privateKeyPem: pemOf('rsa') })).toThrow('The signing key must be an EC P-256 key');
    expect(() => createKeyRing({ privateKeyPem: pemOf('ec'), previousPems: [pemOf('rsa')] })).toThrow('Previous public key #1');
  });

  it('reads a key given on one line with \\n escapes, and previous keys concatenated in one variable', () => {
    const current = pemOf('ec');
    const ring = loadKeyRing({ NODE_ENV: 'production', JWT_PRIVATE_KEY: current.replace(/\n/g, '\\n'), JWT_PREVIOUS_PUBLIC_KEYS: `${pemOf('ec')}${pemOf('ec')}`, JWT_KEYS_DIR: dir });
    expect(ring.jwks.keys).toHaveLength(3);
  });

  it('refuses to start in production without a key, and never generates one there', () => {
    expect(() => loadKeyRing({ NODE_ENV: 'production', JWT_KEYS_DIR: dir })).toThrow('No signing key');
    expect(() => statSync(join(dir, 'signing-key.pem'))).toThrow();
  });

  it('generates a development key once, readable by its owner only, and keeps using it', () => {
    const first = loadKeyRing({ NODE_ENV: 'development', JWT_KEYS_DIR: join(dir, 'keys') });
    const file = join(dir, 'keys', 'signing-key.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadKeyRing({ NODE_ENV: 'development', JWT_KEYS_DIR: join(dir, 'keys') });
    expect(second.signing.kid).toBe(first.signing.kid);
    expect(readFileSync(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
  });
});

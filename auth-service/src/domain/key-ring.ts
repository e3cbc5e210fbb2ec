import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_TOKEN_ALGORITHM, type Jwks } from '@playbook/kit';

/** The key that signs new access tokens, plus every public key that still verifies (rotation). */
export interface KeyRing {
  signing: { kid: string; privateKey: KeyObject };
  publicKeys: Map<string, KeyObject>;
  jwks: Jwks;
}

export interface KeySources {
  /** PEM of the current EC P-256 private key. */
  privateKeyPem: string;
  /** PEM blocks of rotated-out public keys (or private keys: only their public half is used). */
  previousPems?: string[];
}

/** Where keys come from, resolved by the composition root: env text, mounted files, or a development folder. */
export interface KeyConfig {
  NODE_ENV: string;
  JWT_PRIVATE_KEY?: string;
  JWT_PRIVATE_KEY_FILE?: string;
  JWT_PREVIOUS_PUBLIC_KEYS?: string;
  JWT_PREVIOUS_PUBLIC_KEYS_FILE?: string;
  JWT_KEYS_DIR: string;
}

const PEM_BLOCK = /-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g;
const DEV_KEY_FILE = 'signing-key.pem';

/** One-line env values often carry `\n` escapes instead of line breaks. */
const unescapePem = (text: string) => text.replace(/\\n/g, '\n');
const splitPems = (text: string) => unescapePem(text).match(PEM_BLOCK) ?? [];

/** kid = the key's JWK thumbprint (RFC 7638): stable for a key, different for every other key. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function assertP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${what} must be an EC P-256 key (ES256)`);
  }
}

/** Builds the ring from PEM text; throws a message naming the bad key (never its content). */
export function createKeyRing({ privateKeyPem, previousPems = [] }: KeySources): KeyRing {
  const privateKey = createPrivateKey(unescapePem(privateKeyPem));
  assertP256(privateKey, 'The signing key');
  const signingPublic = createPublicKey(privateKey);
  const kid = jwkThumbprint(signingPublic);
  const publicKeys = new Map<string, KeyObject>([[kid, signingPublic]]);
  previousPems.forEach((pem, index) => {
    const publicKey = createPublicKey(pem);
    assertP256(publicKey, `Previous public key #${index + 1}`);
    publicKeys.set(jwkThumbprint(publicKey), publicKey);
  });
  const keys = [...publicKeys].map(([keyId, key]) => {
    const { kty, crv, x, y } = key.export({ format: 'jwk' });
    return { kty: kty as 'EC', crv: crv as 'P-256', x: x as string, y: y as string, kid: keyId, alg: ACCESS_TOKEN_ALGORITHM as 'ES256', use: 'sig' as const };
  });
  return { signing: { kid, privateKey }, publicKeys, jwks: { keys } };
}

/** A P-256 private key kept in `dir` (mode 0600), generated on first use: development and tests only. */
function developmentKeyPem(dir: string): string {
  const file = join(dir, DEV_KEY_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process on this machine generated it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw error;
  }
  chmodSync(file, 0o600);
  return pem;
}

/** Loads the key ring as configured: env PEM, mounted file, or (outside production) a generated development key. */
export function loadKeyRing(config: KeyConfig): KeyRing {
  const privateKeyPem = config.JWT_PRIVATE_KEY
    ?? (config.JWT_PRIVATE_KEY_FILE ? readFileSync(config.JWT_PRIVATE_KEY_FILE, 'utf8') : undefined)
    ?? (config.NODE_ENV === 'production' ? undefined : developmentKeyPem(config.JWT_KEYS_DIR));
  if (!privateKeyPem) throw new Error('No signing key: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE');
  const previousPems = [
    ...splitPems(config.JWT_PREVIOUS_PUBLIC_KEYS ?? ''),
    ...(config.JWT_PREVIOUS_PUBLIC_KEYS_FILE ? splitPems(readFileSync(config.JWT_PREVIOUS_PUBLIC_KEYS_FILE, 'utf8')) : []),
  ];
  return createKeyRing({ privateKeyPem, previousPems });
}

import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Jwks } from './access-token';

/** Finds the public key for a token's `kid`. */
export interface KeyStore {
  getKey(kid: string): Promise<KeyObject | undefined>;
}

export interface JwksKeyStoreOptions {
  fetchJwks: () => Promise<Jwks>;
  /** An unknown `kid` triggers a refetch at most this often, so forged kids cannot flood the auth service. */
  minRefetchIntervalMs?: number;
}

/** Caches public keys as KeyObjects (parsing a PEM or JWK per request is slow) and refetches when a new `kid` appears. */
export function createJwksKeyStore({ fetchJwks, minRefetchIntervalMs = 5_000 }: JwksKeyStoreOptions): KeyStore {
  let keys = new Map<string, KeyObject>();
  let lastFetch = 0;
  let inFlight: Promise<void> | undefined;

  const refresh = () => {
    inFlight ??= fetchJwks()
      .then((jwks) => {
        keys = new Map(jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
        lastFetch = Date.now();
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    async getKey(kid) {
      const known = keys.get(kid);
      if (known) return known;
      if (inFlight) await inFlight;
      else if (lastFetch === 0 || Date.now() - lastFetch >= minRefetchIntervalMs) await refresh();
      return keys.get(kid);
    },
  };
}

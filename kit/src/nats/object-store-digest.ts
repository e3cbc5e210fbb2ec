import { createHash } from 'node:crypto';

/** The part of nats.js's SHA-256 module its object store uses: `sha256.create()`, then `update` per chunk and one `digest`. */
interface Sha256Module {
  sha256: { create(): { update(data: Uint8Array): unknown; digest(): ArrayLike<number> } };
}

/**
 * nats.js hashes every object its object store puts, and every object it gets (to check it), with a SHA-256
 * written in JavaScript for browsers: 4.8 ms of CPU for a 350 KB PDF, where Node's OpenSSL takes 0.2 ms, so a
 * stored and served PDF cost ~10 ms beside Chromium's ~150 and a cached PDF was mostly hashing
 * (docs/benchmarks.md, "Where a PDF's CPU goes"). The store asks that module for a hasher on every put and get,
 * so handing it Node's makes the same digests at OpenSSL's speed; object-store.test.ts checks both.
 */
export function hashObjectsWithNodeCrypto(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- nats.js's own module, the one its object store calls
  const { sha256 } = require('nats/lib/nats-base-client/js-sha256') as Sha256Module;
  sha256.create = () => {
    const hash = createHash('sha256');
    const hasher = {
      update(data: Uint8Array) {
        hash.update(data);
        return hasher;
      },
      digest: () => hash.digest(),
    };
    return hasher;
  };
}

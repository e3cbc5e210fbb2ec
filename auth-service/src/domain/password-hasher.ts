import { randomUUID } from 'node:crypto';
import argon2, { type HashOptions } from 'argon2';
import { TooManyRequestsError } from '@playbook/kit';

export interface Argon2Settings {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface HasherLimits {
  /** argon2 runs at once; one more is refused with 429 rather than queued. */
  maxConcurrent: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Always costs one argon2 verification, also for unknown users (`hash` undefined), so timing tells nothing. */
  verify(hash: string | undefined, password: string): Promise<boolean>;
  /** True when the hash was made with other parameters than the configured ones (rehash at login). */
  needsRehash(hash: string): boolean;
}

export async function createPasswordHasher(settings: Argon2Settings, limits: HasherLimits): Promise<PasswordHasher> {
  const options: HashOptions = { type: argon2.argon2id, ...settings };
  // A real hash with the live parameters: verifying against it takes as long as verifying a real user.
  const dummyHash = await argon2.hash(randomUUID(), options);
  let running = 0;
  const limited = async <T>(run: () => Promise<T>): Promise<T> => {
    if (running >= limits.maxConcurrent) throw new TooManyRequestsError(1, 'Too many password checks at once, retry shortly');
    running++;
    try {
      return await run();
    } finally {
      running--;
    }
  };
  return {
    hash: (password) => limited(() => argon2.hash(password, options)),
    verify: (hash, password) =>
      limited(async () => {
        const matches = await argon2.verify(hash ?? dummyHash, password).catch(() => false);
        return hash !== undefined && matches;
      }),
    needsRehash: (hash) => argon2.needsRehash(hash, settings),
  };
}

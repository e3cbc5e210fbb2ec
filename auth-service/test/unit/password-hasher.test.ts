import { createPasswordHasher } from '../../src/domain/password-hasher';

/** The smallest argon2id cost, so the test stays fast; the behaviour does not depend on it. */
const cheap = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const limits = { maxConcurrent: 8 };

describe('password hasher (domain)', () => {
  it('verifies the right password and nothing else', async () => {
    const hasher = await createPasswordHasher(cheap, limits);
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(hasher.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'Correct horse battery staple')).resolves.toBe(false);
  });

  it('says no for an unknown user (no hash) and for a corrupt hash, without throwing', async () => {
    const hasher = await createPasswordHasher(cheap, limits);
    await expect(hasher.verify(undefined, 'anything')).resolves.toBe(false);
    await expect(hasher.verify('not-a-hash', 'anything')).resolves.toBe(false);
  });

  it('asks for a rehash when the configured parameters changed', async () => {
    const old = await createPasswordHasher(cheap, limits);
    const hash = await old.hash('correct horse battery staple');
    expect(old.needsRehash(hash)).toBe(false);
    const stronger = await createPasswordHasher({ ...cheap, timeCost: 2 }, limits);
    expect(stronger.needsRehash(hash)).toBe(true);
  });

  it('refuses one argon2 run more than the limit with 429 at once, and takes new ones as the running ones finish', async () => {
    const hasher = await createPasswordHasher(cheap, { maxConcurrent: 2 });
    const running = [hasher.hash('first password here'), hasher.verify(undefined, 'second')];
    await expect(hasher.hash('one too many')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    await expect(hasher.verify(undefined, 'also one too many')).rejects.toMatchObject({ status: 429 });
    await Promise.all(running);
    await expect(hasher.hash('room again')).resolves.toMatch(/^\$argon2id\$/);
  });
});

import { pdfCacheKey, snapshotCacheKey } from '../../src/domain/cache-key';
import { CATALOG, snapshotOf } from './fake-pdf-deps';

describe('PDF cache key (domain)', () => {
  it('is the same for the versions alone as for the full snapshot, so a stored PDF is found without the answers', () => {
    expect(pdfCacheKey('p1', { catalogVersion: CATALOG.version, contentVersion: 1 })).toBe(snapshotCacheKey(snapshotOf(1)));
  });

  it('changes with the content version, the catalog version and the project', () => {
    const key = snapshotCacheKey(snapshotOf(1));
    expect(snapshotCacheKey(snapshotOf(2))).not.toBe(key);
    expect(snapshotCacheKey({ ...snapshotOf(1), catalog: { ...CATALOG, version: 'catalog-2' } })).not.toBe(key);
    expect(snapshotCacheKey(snapshotOf(1, 'p2'))).not.toBe(key);
  });

  it('does not depend on the answers themselves (the content version stands for them)', () => {
    expect(snapshotCacheKey({ ...snapshotOf(1), responses: [] })).toBe(snapshotCacheKey(snapshotOf(1)));
  });
});

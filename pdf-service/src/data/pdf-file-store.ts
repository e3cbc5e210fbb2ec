import { nanos, StorageType, type ObjectInfo } from 'nats';
import { LRUCache } from 'lru-cache';
import { PDF_OBJECT_STORE } from '@playbook/contract';
import { openObjectStore, type NatsHandle } from '@playbook/kit/nats';
import type { PdfFileStore, StoredPdf } from '../domain/ports';


export interface PdfFileStoreOptions {
  retentionMs: number;
  /** Recently written or read PDFs kept in this process (bytes; 0: none). */
  memoryCacheBytes: number;
}

const toStored = (info: ObjectInfo): StoredPdf => ({
  fileId: info.name,
  bytes: info.size,
  pages: Number(info.metadata?.pages ?? 0),
  expiresAt: new Date(info.metadata?.expiresAt ?? 0),
});

/**
 * Finished PDFs in the JetStream object store, one object per cache key: a redelivered job finds the PDF an
 * earlier attempt stored and never stores a second one. (GridFS works on the embedded FerretDB too, but
 * there every PDF costs the database tens of milliseconds of CPU as base64 JSON, which the benchmark showed
 * taking CPU from the renders; PDFs never travel in a core NATS message either way.) The bucket's TTL is a
 * backstop: the retention sweeper removes each PDF when its jobs expire.
 */
export async function createPdfFileStore(nats: NatsHandle, { retentionMs, memoryCacheBytes }: PdfFileStoreOptions): Promise<PdfFileStore> {
  const backstopMs = retentionMs + 24 * 3600 * 1000;
  const store = await openObjectStore(nats, PDF_OBJECT_STORE, { storage: StorageType.File, ttl: nanos(backstopMs) });
  const memory = memoryCacheBytes > 0 ? new LRUCache<string, Buffer>({ maxSize: memoryCacheBytes, sizeCalculation: (pdf) => Math.max(1, pdf.length) }) : undefined;
  const live = async () => (await store.list()).filter((info) => !info.deleted);

  return {
    async findByKey(cacheKey, now = new Date()) {
      const info = await store.info(cacheKey);
      if (!info || info.deleted) return undefined;
      const stored = toStored(info);
      return stored.expiresAt > now ? stored : undefined;
    },
    async save(cacheKey, pdf, metadata) {
      const info = await store.putBlob(
        {
          name: cacheKey,
          metadata: { projectId: metadata.projectId, ownerId: metadata.ownerId, pages: String(metadata.pages), expiresAt: metadata.expiresAt.toISOString() },
        },
        pdf,
      );
      memory?.set(info.name, pdf);
      return toStored(info);
    },
    async read(fileId) {
      const cached = memory?.get(fileId);
      if (cached) return cached;
      const data = await store.getBlob(fileId);
      if (!data) return undefined;
      const pdf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      memory?.set(fileId, pdf);
      return pdf;
    },
    async delete(fileId) {
      memory?.delete(fileId);
      try {
        await store.delete(fileId);
      } catch (error) {
        if (!/not found/i.test((error as Error).message)) throw error;
      }
    },
    async findExpired(now) {
      return (await live()).map(toStored).filter((stored) => stored.expiresAt <= now).map((stored) => stored.fileId);
    },
    async findWhere(filter) {
      const matches = (info: ObjectInfo) => ('projectId' in filter ? info.metadata?.projectId === filter.projectId : info.metadata?.ownerId === filter.ownerId);
      return (await live()).filter(matches).map((info) => info.name);
    },
  };
}

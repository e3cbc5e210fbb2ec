import { nanos, StorageType, type ObjectInfo, type ObjectStore } from 'nats';
import { LRUCache } from 'lru-cache';
import { openObjectStore, type NatsHandle } from '@playbook/shared';

/** The JetStream object store holding the finished PDFs. */
export const PDF_OBJECT_STORE = 'pdfs';

export interface StoredPdf {
  /** The object's name: the PDF's cache key. */
  fileId: string;
  bytes: number;
  pages: number;
  expiresAt: Date;
}

export interface PdfFileMetadata {
  projectId: string;
  ownerId: string;
  pages: number;
  expiresAt: Date;
}

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
export class PdfFileStore {
  private readonly memory?: LRUCache<string, Buffer>;

  private constructor(
    private readonly store: ObjectStore,
    memoryCacheBytes: number,
  ) {
    if (memoryCacheBytes > 0) this.memory = new LRUCache<string, Buffer>({ maxSize: memoryCacheBytes, sizeCalculation: (pdf) => Math.max(1, pdf.length) });
  }

  static async open(nats: NatsHandle, { retentionMs, memoryCacheBytes }: PdfFileStoreOptions): Promise<PdfFileStore> {
    const backstopMs = retentionMs + 24 * 3600 * 1000;
    const store = await openObjectStore(nats, PDF_OBJECT_STORE, { storage: StorageType.File, ttl: nanos(backstopMs) });
    return new PdfFileStore(store, memoryCacheBytes);
  }

  /** The unexpired PDF stored for this cache key, if any. */
  async findByKey(cacheKey: string, now = new Date()): Promise<StoredPdf | undefined> {
    const info = await this.store.info(cacheKey);
    if (!info || info.deleted) return undefined;
    const stored = toStored(info);
    return stored.expiresAt > now ? stored : undefined;
  }

  async save(cacheKey: string, pdf: Buffer, metadata: PdfFileMetadata): Promise<StoredPdf> {
    const info = await this.store.putBlob(
      {
        name: cacheKey,
        metadata: { projectId: metadata.projectId, ownerId: metadata.ownerId, pages: String(metadata.pages), expiresAt: metadata.expiresAt.toISOString() },
      },
      pdf,
    );
    this.memory?.set(info.name, pdf);
    return toStored(info);
  }

  /** The PDF's bytes, or undefined when it is gone (expired or deleted meanwhile). */
  async read(fileId: string): Promise<Buffer | undefined> {
    const cached = this.memory?.get(fileId);
    if (cached) return cached;
    const data = await this.store.getBlob(fileId);
    if (!data) return undefined;
    const pdf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.memory?.set(fileId, pdf);
    return pdf;
  }

  async delete(fileId: string): Promise<void> {
    this.memory?.delete(fileId);
    try {
      await this.store.delete(fileId);
    } catch (error) {
      if (!/not found/i.test((error as Error).message)) throw error;
    }
  }

  /** PDFs past their expiry (their jobs may already be gone). */
  async findExpired(now: Date): Promise<string[]> {
    return (await this.live()).filter((stored) => stored.expiresAt <= now).map((stored) => stored.fileId);
  }

  /** PDFs of a project or an owner, for deletions that must not leave one behind. */
  async findWhere(filter: { projectId: string } | { ownerId: string }): Promise<string[]> {
    const matches = (info: ObjectInfo) => ('projectId' in filter ? info.metadata?.projectId === filter.projectId : info.metadata?.ownerId === filter.ownerId);
    return (await this.store.list()).filter((info) => !info.deleted && matches(info)).map((info) => info.name);
  }

  private async live(): Promise<StoredPdf[]> {
    return (await this.store.list()).filter((info) => !info.deleted).map(toStored);
  }
}

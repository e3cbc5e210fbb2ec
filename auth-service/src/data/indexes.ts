import type { Logger } from '@playbook/kit';
import type { Connection } from 'mongoose';

const NOT_IMPLEMENTED = 238;

/**
 * Creates an expiry (TTL) index. FerretDB v1 does not implement `expireAfterSeconds`, so
 * there expired documents stay until replaced; every query already ignores them by their expiry date.
 */
export async function ensureTtlIndex(connection: Connection, collection: string, field: string, logger: Logger): Promise<void> {
  try {
    await connection.collection(collection).createIndex({ [field]: 1 }, { expireAfterSeconds: 0 });
  } catch (error) {
    if ((error as { code?: number }).code !== NOT_IMPLEMENTED) throw error;
    logger.debug(`the database has no TTL indexes; expired ${collection} documents are ignored, not removed`);
  }
}

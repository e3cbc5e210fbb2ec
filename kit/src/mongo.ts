// `@playbook/kit/mongo`: the database side of the kit, apart so a service without data (the gateway) never loads mongoose.
import './tracing/instrument-first';
import { z } from 'zod';
import type { Logger } from './logging/logger';
import { connectMongo, type MongoHandle } from './mongo/mongo-connection';

export { connectMongo, type ConnectMongoOptions, type MongoHandle } from './mongo/mongo-connection';
export { insertClaim, isDuplicateKey, upsertRacing } from './mongo/duplicate-key';

/** The variables of a service that keeps data: where MongoDB is, and its own database there (`database` of its services row). */
export const databaseConfigShape = (defaultDatabase: string) => ({
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL').default('mongodb://127.0.0.1:27017'),
  MONGO_DB: z.string().min(1).default(defaultDatabase),
});
export type DatabaseConfig = z.infer<z.ZodObject<ReturnType<typeof databaseConfigShape>>>;

/** The `openDatabase` a service passes to `openServiceRuntime`. */
export const openDatabase = (config: DatabaseConfig) => (logger: Logger): Promise<MongoHandle> =>
  connectMongo({ url: config.MONGO_URL, dbName: config.MONGO_DB, logger });

import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logging/logger';

// Query filters built from request data can never carry operators such as `$ne` (NoSQL injection).
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export interface MongoHandle {
  connection: Connection;
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface ConnectMongoOptions {
  url: string;
  dbName: string;
  logger: Logger;
}

/** Opens this service's own database; mongoose reconnects by itself, readiness follows the connection state. */
export async function connectMongo({ url, dbName, logger }: ConnectMongoOptions): Promise<MongoHandle> {
  const connection = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: 2_000,
    // The driver's 30 s default lets a monitor connection opened while the database restarts hang that
    // long, and the service stays "not ready" with it (issue 8, database outage under load).
    connectTimeoutMS: 5_000,
    maxPoolSize: 20,
    autoIndex: true,
  });
  connection.on('disconnected', () => logger.warn(`database ${dbName} disconnected`));
  connection.on('reconnected', () => logger.info(`database ${dbName} reconnected`));
  await connection.asPromise();
  logger.info(`connected to database ${dbName}`);
  return {
    connection,
    isConnected: () => connection.readyState === mongoose.ConnectionStates.connected,
    close: () => connection.close(),
  };
}

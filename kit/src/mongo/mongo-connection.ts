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

/** No heartbeat at all (neither success nor failure) for this long means the driver's monitor has stalled. */
const MONITOR_STALL_MS = 10_000;

/**
 * Opens this service's own database; mongoose reconnects by itself, readiness follows the connection state.
 *
 * The driver's server monitor can stall when the database restarts under load (seen with FerretDB in test/system/fault-database-outage):
 * after an operation's connection error marks the server Unknown, no heartbeat runs again, so the server stays
 * Unknown and every operation fails until the process restarts. A watchdog replaces a client whose monitor has
 * been silent for MONITOR_STALL_MS (heartbeats run every 2 s, failed ones count too, so an ordinary outage
 * never triggers it); models stay bound to the same mongoose connection.
 */
export async function connectMongo({ url, dbName, logger }: ConnectMongoOptions): Promise<MongoHandle> {
  const options = {
    dbName,
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: 2_000,
    connectTimeoutMS: 5_000,
    maxPoolSize: 20,
    autoIndex: true,
  };
  const connection = mongoose.createConnection(url, options);
  connection.on('disconnected', () => logger.warn(`database ${dbName} disconnected`));
  connection.on('reconnected', () => logger.info(`database ${dbName} reconnected`));
  await connection.asPromise();
  logger.info(`connected to database ${dbName}`);

  let lastHeartbeatAt = Date.now();
  const watchClient = (client: ReturnType<Connection['getClient']>) => {
    client.on('serverHeartbeatSucceeded', () => (lastHeartbeatAt = Date.now()));
    client.on('serverHeartbeatFailed', (event) => {
      lastHeartbeatAt = Date.now();
      logger.debug(`database heartbeat failed: ${event.failure.message}`);
    });
    client.on('serverDescriptionChanged', (event) => logger.debug(`database server is now ${event.newDescription.type}`));
  };
  watchClient(connection.getClient());
  let closing = false;
  let replacing = false;
  const watchdog = setInterval(() => {
    if (closing || replacing || Date.now() - lastHeartbeatAt < MONITOR_STALL_MS) return;
    replacing = true;
    logger.warn(`database ${dbName}: no heartbeat for ${MONITOR_STALL_MS / 1000} s, replacing the client`);
    void (async () => {
      await Promise.race([connection.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await connection.openUri(url, options);
      watchClient(connection.getClient());
      logger.info(`database ${dbName} reconnected with a new client`);
    })()
      .catch((error: unknown) => logger.warn(`database ${dbName}: replacing the client failed, retrying: ${(error as Error).message}`))
      .finally(() => {
        replacing = false;
        lastHeartbeatAt = Date.now();
      });
  }, 2_000);
  watchdog.unref();
  return {
    connection,
    isConnected: () => connection.readyState === mongoose.ConnectionStates.connected,
    close: () => {
      closing = true;
      clearInterval(watchdog);
      return connection.close();
    },
  };
}

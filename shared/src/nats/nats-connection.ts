import { connect, Events, type NatsConnection } from 'nats';
import type { Logger } from '../logging/logger';

export interface NatsHandle {
  connection: NatsConnection;
  /** True while connected; false during a disconnect, while the client reconnects by itself. */
  isConnected(): boolean;
  /** Stops subscriptions after their in-flight messages, then closes. */
  drain(): Promise<void>;
}

export interface ConnectNatsOptions {
  url: string;
  name: string;
  logger: Logger;
}

/** Connects with reconnect-forever and keeps track of the connection state for readiness. */
export async function connectNats({ url, name, logger }: ConnectNatsOptions): Promise<NatsHandle> {
  const connection = await connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    pingInterval: 5_000,
    maxPingOut: 2,
    waitOnFirstConnect: true,
  });
  let connected = true;
  logger.info(`connected to NATS at ${connection.getServer()}`);
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect) {
        connected = false;
        logger.warn('disconnected from NATS, reconnecting');
      } else if (status.type === Events.Reconnect) {
        connected = true;
        logger.info('reconnected to NATS');
      }
    }
  })();
  return {
    connection,
    isConnected: () => connected && !connection.isClosed(),
    drain: async () => {
      if (!connection.isClosed()) await connection.drain();
    },
  };
}

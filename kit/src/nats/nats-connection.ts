import { connect, Events, type NatsConnection } from 'nats';
import type { Logger } from '../logging/logger';
import { inboxPrefixOf } from './server-authorization';

export interface NatsHandle {
  connection: NatsConnection;
  /** True while connected; false during a disconnect, while the client reconnects by itself. */
  isConnected(): boolean;
  /** Stops subscriptions after their in-flight messages, then closes. */
  drain(): Promise<void>;
  /** How many cluster nodes hold each stream and object store this process creates (NATS_STREAM_REPLICAS). */
  streamReplicas: number;
}

export interface ConnectNatsOptions {
  /** One server, or a cluster's servers comma separated; the client follows the cluster when a node is lost. */
  url: string;
  name: string;
  logger: Logger;
  /** Default 1: a single server cannot hold more. */
  streamReplicas?: number;
  /** This service's NATS identity; without it the connection is anonymous, which a server with identities refuses. */
  credentials?: NatsCredentials;
  /** The CA the server's certificate must chain to: the connection is then TLS or nothing. */
  tlsCaFile?: string;
}

export interface NatsCredentials {
  user: string;
  password: string;
}

/** Connects with reconnect-forever and keeps track of the connection state for readiness. */
export async function connectNats({ url, name, logger, streamReplicas = 1, credentials, tlsCaFile }: ConnectNatsOptions): Promise<NatsHandle> {
  const connection = await connect({
    servers: url.split(',').map((server) => server.trim()),
    name,
    ...(credentials ? { user: credentials.user, pass: credentials.password, inboxPrefix: inboxPrefixOf(credentials.user) } : {}),
    ...(tlsCaFile ? { tls: { caFile: tlsCaFile } } : {}),
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
      } else if (status.type === Events.Error) {
        // The server refused something this identity may not do (contract/src/nats-identities.ts): a bug or an attack.
        const refused = (status as { permissionContext?: { operation: string; subject: string } }).permissionContext;
        logger.error(refused ? `NATS refused this service's ${refused.operation} to ${refused.subject}` : `NATS error: ${String(status.data)}`);
      }
    }
  })();
  return {
    connection,
    isConnected: () => connected && !connection.isClosed(),
    drain: async () => {
      if (!connection.isClosed()) await connection.drain();
    },
    streamReplicas,
  };
}

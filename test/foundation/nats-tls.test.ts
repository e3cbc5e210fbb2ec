import { baseConfigSchema, loadConfig, openServiceRuntime, type ServiceRuntime } from '@playbook/kit';
import { createConnection } from 'node:net';
import { connect } from 'nats';
import { startNatsServer, type TestNatsServer } from '../support/nats-server';
import { createCapturingLogger } from '../support/test-env';

/**
 * NATS over TLS, as the chart runs it with `nats.tls.enabled` (cert-manager issues the server's certificate, the
 * services trust its CA through NATS_TLS_CA_FILE): a service connects through its environment alone, and the
 * server takes no connection that is not TLS to its own certificate.
 */
describe('NATS with TLS', () => {
  let server: TestNatsServer;
  let runtime: ServiceRuntime | undefined;

  beforeAll(async () => {
    server = await startNatsServer({ tls: true });
  }, 30_000);
  afterAll(async () => {
    await runtime?.nats.drain();
    await server?.destroy();
  });

  it('connects a service that trusts the CA, as its own identity, and it can work', async () => {
    const config = loadConfig(baseConfigSchema, { NODE_ENV: 'test', ...server.env('project-service') });
    expect(config.NATS_URL).toMatch(/^tls:\/\//);
    runtime = await openServiceRuntime({ name: 'project-service', config, logger: createCapturingLogger('project-service').logger });
    expect(runtime.nats.isConnected()).toBe(true);
    // A request it may send (nobody answers it here): the server took it over the encrypted connection.
    await expect(runtime.nats.connection.request('auth.v1.jwks.get', '{}', { timeout: 2_000 })).rejects.toThrow(/503|no responders/i);
  });

  it('refuses a client that does not speak TLS, even with the right password', async () => {
    // Plain protocol on a raw socket, so the refusal is the server's and not the client library's.
    const { user, password } = server.credentials('project-service');
    const socket = createConnection({ host: '127.0.0.1', port: server.port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('data', resolve));
    expect(received).toMatch(/^INFO .*"tls_required":true/);
    socket.write(`CONNECT ${JSON.stringify({ user, pass: password, verbose: false, pedantic: false })}\r\nPING\r\n`);
    await closed;
    expect(received).not.toMatch(/PONG/);
  });

  it('is refused by a client that trusts another CA (no talking to an impostor server)', async () => {
    const { user, password } = server.credentials('project-service');
    await expect(connect({ servers: server.url, user, pass: password, tls: { caFile: server.tls!.otherCaFile }, timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/certificate|self.signed|verify/i);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { NATS_IDENTITIES } from '@playbook/contract';
import { inboxPrefixOf, passwordVariableOf } from '@playbook/kit/nats';
import { NATS_SERVER } from '../support/nats-server';
import { freePort, restartableServer } from '../support/processes';
import { one, renderChart, type Manifest } from './support/helm';
import { secretRefs, workloads, type PodTemplate } from './support/workloads';

/**
 * The chart gives each service its own NATS identity (contract/src/nats-identities.ts): a password in a Secret of
 * its own, mounted as a file, and the in-chart NATS server knows every user from the same Secrets. With
 * `nats.tls` the server's certificate comes from cert-manager and the services trust only its CA.
 */

const USERS = NATS_IDENTITIES.map((identity) => identity.user);
type Secret = Manifest & { data: Record<string, string> };
const templateOf = (manifests: Manifest[], kind: string, name: string): PodTemplate => {
  const found = workloads(manifests).find((w) => w.manifest.kind === kind && w.manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.template;
};
const envOf = (template: PodTemplate, name: string) => template.spec.containers[0]!.env?.find((e) => e.name === name);
const natsSecretsRead = (template: PodTemplate) => secretRefs(template).filter((ref) => ref.secret.endsWith('-nats') || ref.secret.startsWith('nats-'));

describe('NATS identities in the chart', () => {
  const manifests = renderChart();

  it('runs every service as its own NATS user, its password a file from a Secret only it (and NATS) reads', () => {
    for (const user of USERS) {
      const template = templateOf(manifests, 'Deployment', `playbook-${user}`);
      expect(envOf(template, 'NATS_USER')?.value).toBe(user);
      expect(envOf(template, 'NATS_PASSWORD_FILE')?.value).toBe('/var/run/secrets/nats/password');
      expect(envOf(template, 'NATS_PASSWORD')).toBeUndefined();
      expect(natsSecretsRead(template)).toEqual([{ secret: `playbook-${user}-nats`, key: 'nats-password' }]);
    }
    for (const workload of workloads(manifests)) {
      const readers = natsSecretsRead(workload.template).map((ref) => ref.secret);
      if (workload.manifest.metadata.name === 'playbook-nats') expect(readers.sort()).toEqual(USERS.map((user) => `playbook-${user}-nats`).sort());
      else if (!USERS.some((user) => workload.manifest.metadata.name === `playbook-${user}`)) expect([workload.manifest.metadata.name, readers]).toEqual([workload.manifest.metadata.name, []]);
    }
  });

  it("honours a service's existingSecret: that Secret is read, and none is generated for it", () => {
    const custom = renderChart([], ['services.pdf-service.natsSecret.existingSecret=my-pdf-nats', 'services.pdf-service.natsSecret.existingSecretKey=password']);
    expect(natsSecretsRead(templateOf(custom, 'Deployment', 'playbook-pdf-service'))).toEqual([{ secret: 'my-pdf-nats', key: 'password' }]);
    expect(envOf(templateOf(custom, 'StatefulSet', 'playbook-nats'), passwordVariableOf('pdf-service'))?.valueFrom).toEqual({ secretKeyRef: { name: 'my-pdf-nats', key: 'password' } });
    expect(custom.filter((m) => m.kind === 'Secret' && m.metadata.name.endsWith('-nats')).map((m) => m.metadata.name).sort()).toEqual(
      ['auth-service', 'gateway', 'project-service'].map((user) => `playbook-${user}-nats`),
    );
  });

  it('gives a service no identity with an external NATS unless its Secret is named', () => {
    const external = renderChart([], ['nats.enabled=false', 'nats.external.url=nats://nats.example:4222', 'services.gateway.natsSecret.existingSecret=gateway-nats']);
    expect(envOf(templateOf(external, 'Deployment', 'playbook-auth-service'), 'NATS_PASSWORD_FILE')).toBeUndefined();
    expect(natsSecretsRead(templateOf(external, 'Deployment', 'playbook-gateway'))).toEqual([{ secret: 'gateway-nats', key: 'nats-password' }]);
    expect(external.filter((m) => m.kind === 'Secret' && m.metadata.name.endsWith('-nats'))).toEqual([]);
  });

  describe("the rendered server config, run by this machine's nats-server", () => {
    let dir: string;
    let server: ReturnType<typeof restartableServer> | undefined;
    let url: string;
    const passwords = new Map<string, string>();

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'playbook-chart-nats-'));
      const config = one<Manifest & { data: Record<string, string> }>(manifests, 'ConfigMap', 'playbook-nats').data['nats.conf']!;
      for (const user of USERS) passwords.set(user, Buffer.from(one<Secret>(manifests, 'Secret', `playbook-${user}-nats`).data['nats-password']!, 'base64').toString());
      // The pod's paths and name, moved to this machine; everything else as rendered.
      writeFileSync(join(dir, 'nats.conf'), config.replaceAll('/data', dir).replace('server_name: $POD_NAME', 'server_name: chart-test'));
      const port = await freePort();
      url = `nats://127.0.0.1:${port}`;
      const env = { ...process.env, ...Object.fromEntries(USERS.map((user) => [passwordVariableOf(user), passwords.get(user)!])) };
      server = restartableServer(NATS_SERVER, ['-c', join(dir, 'nats.conf'), '-a', '127.0.0.1', '-p', String(port), '-m', '0'], port, dir, 15_000, env);
      await server.start();
    }, 30_000);
    afterAll(async () => {
      await server?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it("lets each service in with the password from its Secret, and refuses anyone else", async () => {
      for (const user of USERS) {
        const connection = await connect({ servers: url, user, pass: passwords.get(user)!, inboxPrefix: inboxPrefixOf(user), timeout: 5_000, maxReconnectAttempts: 0 });
        await connection.close();
      }
      await expect(connect({ servers: url, timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
      await expect(connect({ servers: url, user: 'gateway', pass: passwords.get('auth-service')!, timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
    });
  });

  describe('with nats.tls', () => {
    const tls = renderChart([], ['nats.tls.enabled=true', 'nats.tls.issuerRef.name=internal-ca', 'nats.tls.issuerRef.kind=ClusterIssuer']);

    it('asks cert-manager for the certificate of the name the services connect to', () => {
      const certificate = one<Manifest & { spec: { secretName: string; dnsNames: string[]; issuerRef: unknown } }>(tls, 'Certificate', 'playbook-nats-tls');
      expect(certificate.spec.issuerRef).toEqual({ name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
      const natsUrl = new URL(envOf(templateOf(tls, 'Deployment', 'playbook-gateway'), 'NATS_URL')!.value!);
      expect(natsUrl.protocol).toBe('tls:');
      expect(certificate.spec.dnsNames).toContain(natsUrl.hostname);
    });

    it('gives the services the CA certificate and never the server key; the server gets both', () => {
      for (const user of USERS) {
        const template = templateOf(tls, 'Deployment', `playbook-${user}`);
        expect(envOf(template, 'NATS_TLS_CA_FILE')?.value).toBe('/var/run/secrets/nats-tls/ca.crt');
        expect(secretRefs(template).filter((ref) => ref.secret === 'playbook-nats-tls')).toEqual([{ secret: 'playbook-nats-tls', key: 'ca.crt' }]);
      }
      const natsConfig = one<Manifest & { data: Record<string, string> }>(tls, 'ConfigMap', 'playbook-nats').data['nats.conf']!;
      expect(natsConfig).toMatch(/tls \{\s+cert_file: \/etc\/nats-tls\/tls\.crt\s+key_file: \/etc\/nats-tls\/tls\.key/);
      expect(secretRefs(templateOf(tls, 'StatefulSet', 'playbook-nats'))).toContainEqual({ secret: 'playbook-nats-tls', key: '*' });
    });

    it('refuses to render without an issuer', () => {
      expect(() => renderChart([], ['nats.tls.enabled=true'])).toThrow(/nats.tls.issuerRef.name/);
    });
  });
});

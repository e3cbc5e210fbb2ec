import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { authConfigSchema } from '../../auth-service/src/config';
import { gatewayConfigSchema } from '../../gateway/src/config';
import { pdfConfigSchema } from '../../pdf-service/src/config';
import { projectConfigSchema } from '../../project-service/src/config';
import { ROOT, renderChart, type Manifest } from './support/helm';
import { mainContainer, workloads, type Container } from './support/workloads';

/** Each service's own config schema: the chart's environment must be a valid, complete config for it. */
const SCHEMAS: Record<string, z.ZodObject> = {
  gateway: gatewayConfigSchema,
  'auth-service': authConfigSchema,
  'project-service': projectConfigSchema,
  'pdf-service': pdfConfigSchema,
};
const PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Stand-ins for what the cluster injects from Secrets. */
function secretValue(key: string): string {
  if (/jwt/i.test(key)) return PEM;
  if (/mongo|uri/i.test(key)) return 'mongodb://user:pass@mongodb.example:27017/?authSource=admin';
  if (/nats|url/i.test(key)) return 'nats://user:pass@nats.example:4222';
  return 'secret';
}

/** The environment a container starts with: its ConfigMaps (envFrom) and then its own env entries. */
function environmentOf(container: Container, manifests: Manifest[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const map = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === source.configMapRef?.name) as { data: Record<string, string> } | undefined;
    Object.assign(env, map?.data);
  }
  for (const entry of container.env ?? []) env[entry.name] = entry.value ?? secretValue(entry.valueFrom?.secretKeyRef?.key ?? '');
  return env;
}

describe.each([
  ['defaults', []],
  ['external services', ['external-services.yaml']],
  ['production', [resolve(ROOT, 'k8s/values/playbook-production.yaml')]],
])('the environment the chart gives each service (%s)', (_set, files) => {
  const manifests = renderChart(files);
  it.each(Object.keys(SCHEMAS))('is a valid production config of %s, naming only variables it reads', (service) => {
    const deployment = workloads(manifests).find((w) => w.manifest.metadata.name === `playbook-${service}`)!;
    const env = environmentOf(mainContainer(deployment.template), manifests);
    const schema = SCHEMAS[service]!;
    expect(Object.keys(env).filter((name) => !(name in schema.shape))).toEqual([]);
    const parsed = schema.safeParse(env);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toMatchObject({ NODE_ENV: 'production', LOG_FORMAT: 'json' });
    if (service !== 'gateway') expect(env.MONGO_DB).toBeTruthy();
  });
});

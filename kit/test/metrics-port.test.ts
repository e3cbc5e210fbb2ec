import { baseConfigSchema, createServiceApp, defineService, envPort, loadConfig, type StartedService } from '@playbook/kit';
import { startNatsServer, TEST_HARNESS_USER, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';

const configSchema = baseConfigSchema.extend({ PORT: envPort(0) });

const service = defineService({
  name: 'metrics-port-test',
  config: configSchema,
  dependencies: async () => undefined,
  http: ({ runtime }) => createServiceApp({ logger: runtime.logger, metrics: runtime.metrics, readiness: runtime.readiness }),
});

/** Whether something still accepts connections at `url` (a refused connection makes fetch throw). */
const answers = (url: string) => fetch(url, { signal: AbortSignal.timeout(5_000) }).then(() => true, () => false);

describe('METRICS_PORT', () => {
  let nats: TestNatsServer;
  const started: Array<StartedService<undefined>> = [];
  const start = async (env: Record<string, string>) => {
    const config = loadConfig(configSchema, { ...nats.env(TEST_HARNESS_USER), NODE_ENV: 'test', ...env });
    const running = await service.start(config, createCapturingLogger('metrics-port-test').logger);
    started.push(running);
    return running;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    for (const running of started) await running.stop();
    await nats.destroy();
  });

  it('serves /metrics only on its own port, where it is the one path, while the probes stay on the service port', async () => {
    const running = await start({ METRICS_PORT: '0' });
    expect(running.metrics?.port).toEqual(expect.any(Number));
    expect(running.metrics?.port).not.toBe(running.port);
    const scrape = await fetch(`${running.metrics!.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await scrape.text()).toMatch(/^process_resident_memory_bytes\{service="metrics-port-test"\} \d+/m);

    const onServicePort = await fetch(`${running.url}/metrics`);
    expect(onServicePort.status).toBe(404);
    expect(onServicePort.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);

    expect((await fetch(`${running.metrics!.url}/healthz`)).status).toBe(404);
    expect((await fetch(`${running.metrics!.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('closes the metrics server in the ordered shutdown', async () => {
    const running = await start({ METRICS_PORT: '0' });
    const metricsUrl = `${running.metrics!.url}/metrics`;
    expect(await answers(metricsUrl)).toBe(true);
    started.splice(started.indexOf(running), 1);
    await running.stop();
    expect(await answers(metricsUrl)).toBe(false);
    expect(await answers(`${running.url}/healthz`)).toBe(false);
  });

  it('serves /metrics on the service port when METRICS_PORT is unset, as one process per port runs locally', async () => {
    const running = await start({});
    expect(running.metrics).toBeUndefined();
    const scrape = await fetch(`${running.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('process_resident_memory_bytes');
  });

  it('rejects a METRICS_PORT that is not a port', () => {
    expect(() => loadConfig(configSchema, { METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: /);
  });
});

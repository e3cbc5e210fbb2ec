import { resolve } from 'node:path';
import { loadConfig } from '@playbook/kit';
import { gatewayConfigSchema } from '../../gateway/src/config';
import { VALUES_DIR, one, renderChart, type Manifest } from './support/helm';

type Ingress = Manifest & { spec: { tls: unknown[]; rules: Array<{ http: { paths: Array<{ path: string; pathType: string; backend: unknown }> } }> } };
type HttpRoute = Manifest & { spec: { rules: Array<{ matches: Array<{ path: { type: string; value: string } }>; timeouts: { request: string } }> } };

const annotation = (manifest: Manifest, name: string) => manifest.metadata.annotations?.[`nginx.ingress.kubernetes.io/${name}`];
/** A Gateway API duration (`90s`, `5m`, `1h`) in seconds. */
function seconds(duration: string): number {
  const [, amount, unit] = /^(\d+)(s|m|h)$/.exec(duration) ?? [];
  return Number(amount) * ({ s: 1, m: 60, h: 3600 }[unit as 's' | 'm' | 'h'] ?? NaN);
}

/** GET /api/events is a stream of server-sent events: whatever is in front of the gateway must neither buffer nor cut it between heartbeats. */
describe('the live event stream in the chart', () => {
  const heartbeatSeconds = loadConfig(gatewayConfigSchema, { NODE_ENV: 'test' }).EVENTS_HEARTBEAT_MS / 1000;

  it('has an nginx Ingress of its own for exactly /api/events, unbuffered, open far longer than a heartbeat, sharing the certificate', () => {
    const manifests = renderChart();
    const api = one<Ingress>(manifests, 'Ingress', 'playbook');
    const events = one<Ingress>(manifests, 'Ingress', 'playbook-events');
    expect(events.spec.rules.flatMap((rule) => rule.http.paths.map((path) => [path.path, path.pathType]))).toEqual([['/api/events', 'Exact']]);
    expect(events.spec.rules[0]?.http.paths[0]?.backend).toEqual(api.spec.rules[0]?.http.paths[0]?.backend);
    expect(annotation(events, 'proxy-buffering')).toBe('off');
    expect(Number(annotation(events, 'proxy-read-timeout'))).toBeGreaterThanOrEqual(20 * heartbeatSeconds);
    expect(Number(annotation(events, 'proxy-send-timeout'))).toBeGreaterThanOrEqual(20 * heartbeatSeconds);
    expect(events.spec.tls).toEqual(api.spec.tls);
    expect(events.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
  });

  it('gives /api/events a long timeout on the Gateway API route too', () => {
    const route = one<HttpRoute>(renderChart([resolve(VALUES_DIR, 'gateway-api.yaml')]), 'HTTPRoute');
    const index = route.spec.rules.findIndex((rule) => rule.matches.some((match) => match.path.type === 'Exact' && match.path.value === '/api/events'));
    expect(index).toBeGreaterThanOrEqual(0);
    expect(seconds(route.spec.rules[index]!.timeouts.request)).toBeGreaterThanOrEqual(20 * heartbeatSeconds);
  });
});

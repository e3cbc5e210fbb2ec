import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicRoutes, type PublicRoute } from '@playbook/contract';
import { FORWARDED_CLIENT_HEADER, signForwardedClient } from '@playbook/kit';
import { readForwardedClient } from '../../kit/src/http/forwarded-client';
import { patternBytes } from './support/fake-upstream';
import { rawRequest } from './support/raw-request';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const samplePath = (route: PublicRoute) => route.path.replace(/:(\w+)/g, 'abc123');

describe('gateway proxy: routing and headers', () => {
  let gateway: TestGateway;
  let token: string;
  const keyDir = mkdtempSync(join(tmpdir(), 'playbook-forwarding-'));
  const forwardingKey = Buffer.from(randomBytes(32).toString('hex'));

  beforeAll(async () => {
    writeFileSync(join(keyDir, 'key'), forwardingKey);
    gateway = await startTestGateway({ env: { RATE_LIMIT_ENABLED: 'false', FORWARDING_KEY_FILE: join(keyDir, 'key') } });
    token = gateway.issuer.tokenFor('user-1');
  });
  afterAll(async () => {
    await gateway.stop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('sends every proxied row of the route table to its own service, path and query unchanged', async () => {
    const proxied = publicRoutes.filter((route) => route.service !== 'gateway');
    expect(proxied.length).toBeGreaterThan(5);
    for (const route of proxied) {
      const path = `${samplePath(route)}?probe=1`;
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      const response = await fetch(`${gateway.url}${path}`, {
        method: route.method,
        headers: { authorization: `Bearer ${token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        body: hasBody ? '{"a":1}' : undefined,
      });
      const answer = (await response.json()) as { service: string; method: string; url: string; bodyBytes: number };
      expect({ row: `${route.method} ${route.path}`, status: response.status, ...answer, headers: undefined }).toEqual({
        row: `${route.method} ${route.path}`,
        status: 200,
        service: route.service,
        method: route.method,
        url: path,
        bodyBytes: hasBody ? 7 : 0,
        headers: undefined,
      });
    }
  });

  it('passes the request id, its own x-forwarded-* (not the client-sent ones) and the Authorization header on, and answers with the same request id', async () => {
    const requestId = 'req-routing-0001';
    const response = await rawRequest(`${gateway.url}/api/auth/me`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-request-id': requestId,
        'x-forwarded-for': '6.6.6.6',
        // A client vouching for itself with some other key: replaced by the gateway's own signature.
        [FORWARDED_CLIENT_HEADER]: signForwardedClient(randomBytes(32), '6.6.6.6'),
        connection: 'keep-alive',
        'proxy-authorization': 'Basic c2VjcmV0',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe(requestId);
    const seen = gateway.upstreams.auth.requests.at(-1)!.headers;
    expect(seen['x-request-id']).toBe(requestId);
    expect(seen.authorization).toBe(`Bearer ${token}`);
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(readForwardedClient(forwardingKey, seen[FORWARDED_CLIENT_HEADER])).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(seen['proxy-authorization']).toBeUndefined();
  });

  it("keeps its own keep-alive with the client instead of passing on the service's Keep-Alive header", async () => {
    const response = await rawRequest(`${gateway.url}/api/playbook`);
    expect(response.headers['x-upstream']).toBe('project');
    expect(response.headers['keep-alive']).not.toBe('timeout=5');
    expect(response.headers['keep-alive']).toBe('timeout=65');
  });

  it('streams a chunked body to the service and reuses the kept-alive connection for it', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = () =>
      rawRequest(`${gateway.url}/api/projects`, {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        chunks: [Buffer.from('{"name":'), Buffer.from('"chunked"}')],
      });
    await send();
    const connectionsBefore = gateway.upstreams.project.connections();
    for (let i = 0; i < 5; i++) expect((await send()).status).toBe(200);
    agent.destroy();
    const seen = gateway.upstreams.project.requests.at(-1)!;
    expect(seen.bodyBytes).toBe(18);
    expect(seen.headers.connection).not.toBe('close');
    expect(gateway.upstreams.project.connections()).toBe(connectionsBefore);
  });

  it('passes a body sent with Expect: 100-continue on', async () => {
    const response = await rawRequest(`${gateway.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', expect: '100-continue', 'content-length': 13 },
      chunks: [Buffer.from('{"name":"go"}')],
    });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ method: 'POST', bodyBytes: 13 });
  });

  it('streams a 4 MiB answer intact to a client that reads slowly', async () => {
    const size = 4 * 1024 * 1024;
    const received = await new Promise<Buffer>((resolve, reject) => {
      const req = request(`${gateway.url}/api/projects/p-big`, { headers: { authorization: `Bearer ${token}`, 'x-test-answer-bytes': String(size) } }, (res) => {
        const parts: Buffer[] = [];
        res.pause();
        setTimeout(() => res.resume(), 300); // the gateway's socket to the client fills up meanwhile
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received.length).toBe(size);
    expect(received.equals(patternBytes(size))).toBe(true);
  });

  it('answers unknown /api paths with 404 and TRACE or an unlisted method with 405, as problem+json', async () => {
    const unknown = await rawRequest(`${gateway.url}/api/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    const trace = await rawRequest(`${gateway.url}/api/playbook`, { method: 'TRACE' });
    expect(trace.status).toBe(405);
    expect(trace.headers['content-type']).toContain('application/problem+json');
    const put = await rawRequest(`${gateway.url}/api/playbook`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toContain('GET');
    expect(put.json()).toMatchObject({ status: 405, type: 'urn:playbook:problem:method-not-allowed' });
  });

  it('records every proxied request by route pattern, status and service in the metrics', async () => {
    const notFound = await fetch(`${gateway.url}/api/projects/p-42`, { headers: { authorization: `Bearer ${token}`, 'x-test-status': '404' } });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ service: 'project', url: '/api/projects/p-42' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_upstream_duration_seconds_count\{service="gateway",route="\/api\/projects\/:id",method="GET",upstream="project",status="404"\} 1/);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{service="gateway",method="GET",route="\/api\/projects\/:id",status="404"\} 1/);
  });
});

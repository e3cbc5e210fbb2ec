import Router from '@koa/router';
import { createMetrics, createServiceApp, NotFoundError, startHttpServer, type HttpServerHandle } from '@playbook/kit';
import { createCapturingLogger } from '../../test/support/test-env';

describe('the shared HTTP kit', () => {
  let server: HttpServerHandle;
  const captured = createCapturingLogger('kit');
  const metrics = createMetrics('kit');
  let ready = true;

  beforeAll(async () => {
    const app = createServiceApp({ logger: captured.logger, metrics, readiness: { database: () => ready }, bodyLimit: '1kb' });
    const router = new Router();
    router.post('/things', (ctx) => { ctx.status = 201; ctx.body = { got: ctx.request.body }; });
    router.get('/things/:id', () => { throw new NotFoundError('No such thing'); });
    router.get('/boom', () => { throw new Error('secret internal detail'); });
    router.get('/socket-lost', () => {
      // What the MongoDB driver throws when it writes to a connection the database has closed (not a MongoError).
      throw Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    });
    app.use(router.routes());
    server = await startHttpServer(app, 0, '127.0.0.1');
  });
  afterAll(() => server.close(1000));

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/things`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('parses JSON bodies and keeps a well-formed request id', async () => {
    const response = await fetch(`${server.url}/things`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'abcdef12-ok' }, body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ got: { a: 1 } });
    expect(response.headers.get('x-request-id')).toBe('abcdef12-ok');
    expect(captured.lines().some((line) => line.requestId === 'abcdef12-ok' && /POST \/things \(201\)/.test(String(line.message)))).toBe(true);
  });

  it('replaces a malformed request id with a new one', async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers bad input with problem+json: 400 malformed, 413 too large, 415 wrong type, 404 unknown', async () => {
    const cases: Array<[Promise<Response>, number]> = [
      [post('{"a":'), 400],
      [post(JSON.stringify({ text: 'x'.repeat(2048) })), 413],
      [post('a=1', 'application/x-www-form-urlencoded'), 415],
      [fetch(`${server.url}/things/42`), 404],
      [fetch(`${server.url}/nowhere`), 404],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = await response.json();
      expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:playbook:problem:/), title: expect.any(String), detail: expect.any(String), traceId: response.headers.get('x-request-id') });
    }
  });

  it('hides internal errors from the client and logs them with the stack', async () => {
    const response = await fetch(`${server.url}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toMatch(/at .*\.ts/);
    expect(captured.text()).toContain('secret internal detail');
  });

  it('answers 503 with Retry-After, not 500, when a dependency\'s socket was lost under a request', async () => {
    const response = await fetch(`${server.url}/socket-lost`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ status: 503, detail: 'A dependency is unavailable' });
  });

  it('reports readiness and Prometheus metrics by route pattern', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    ready = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'fail', checks: { database: 'fail' } });
    ready = true;
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toMatch(/http_request_duration_seconds_count\{service="kit",method="GET",route="\/things\/:id",status="404"\} 1/);
    expect(text).not.toContain('route="/things/42"');
  });
});

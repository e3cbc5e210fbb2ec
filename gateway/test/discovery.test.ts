import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicRoutes, type RouteList } from '@playbook/contract';
import puppeteer, { type Browser } from 'puppeteer-core';
import { API_TITLE } from '../src/routes/discovery-routes';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { validateOpenApi } from './support/validate-openapi';

const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

describe('gateway discovery: routes, OpenAPI and docs', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(() => gateway.stop());

  it('lists every row of the public route table at /api/routes', async () => {
    const { routes } = (await (await fetch(`${gateway.url}/api/routes`)).json()) as RouteList;
    expect(routes).toEqual(publicRoutes.map((row) => ({ method: row.method, path: row.path, auth: row.auth, description: row.summary, service: row.service })));
    expect(routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ method: 'GET', path: '/api/health', auth: false }),
      expect.objectContaining({ method: 'GET', path: '/api/docs', auth: false }),
      expect.objectContaining({ method: 'POST', path: '/api/auth/login', auth: false, service: 'auth' }),
      expect.objectContaining({ method: 'GET', path: '/api/projects/:id', auth: true, service: 'project' }),
    ]));
  });

  it('serves a valid OpenAPI 3.1 document whose operations are exactly the listed routes', async () => {
    const document = (await (await fetch(`${gateway.url}/api/openapi.json`)).json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown>; requestBody?: unknown }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    const result = await validateOpenApi(document);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.1');
    expect(document.info.title).toBe(API_TITLE);

    const { routes } = (await (await fetch(`${gateway.url}/api/routes`)).json()) as RouteList;
    const listed = routes.map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`).sort();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual(listed);
    const operationIds = Object.values(document.paths).flatMap((operations) => Object.values(operations).map((operation) => (operation as unknown as { operationId: string }).operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);

    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.ProblemDetails).toMatchObject({ properties: { status: { type: 'integer' } } });
    const createProject = document.paths['/api/projects']!.post!;
    expect(createProject.security).toEqual([{ bearerAuth: [] }]);
    expect(createProject.requestBody).toMatchObject({ content: { 'application/json': { schema: { properties: { name: { type: 'string' } } } } } });
    expect(createProject.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(document.paths['/api/auth/login']!.post!.security).toEqual([]);
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gateway-docs-'));
      browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    });
    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('renders /api/docs offline from the gateway alone and shows the API title and its routes', async () => {
      const page = await browser.newPage();
      const foreign: string[] = [];
      page.on('request', (request) => {
        if (/^(https?|wss?):/.test(request.url()) && !request.url().startsWith(gateway.url)) foreign.push(request.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      const response = await page.goto(`${gateway.url}/api/docs`, { waitUntil: 'networkidle0', timeout: 15_000 });
      expect(response?.status()).toBe(200);
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 10_000 });
      const title = await page.$eval('.swagger-ui .info .title', (element) => element.textContent ?? '');
      expect(title).toContain(API_TITLE);
      const operations = await page.$$eval('.opblock-summary-path', (elements) => elements.map((element) => element.textContent?.replace(/\u200b/g, '')));
      expect(operations).toContain('/api/projects/{id}');
      const screenshot = join(dir, 'docs.png');
      await page.screenshot({ path: screenshot, fullPage: false });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 30_000);
  });
});

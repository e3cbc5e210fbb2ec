import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startStack, type TestStack } from '../support/stack';
import { ApiClient, FIELD_IDS } from '../system/support/api-client';
import { serveTestPage, type TestPage } from './support/test-page';

interface Received {
  event: string;
  id: string;
  data: Record<string, unknown>;
}

/** What the test page (support/test-page.ts) puts on `window` for the test to call. */
interface PageApi {
  received: Received[];
  signIn(email: string, password: string): Promise<{ status: number; keys: string[]; cookiesScriptsSee: string }>;
  refreshFromCookie(): Promise<{ status: number; keys: string[]; newToken: boolean }>;
  openEvents(): Promise<void>;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: { jobId?: string; items?: Array<{ fieldId: string; value: string }> } }>;
}

/**
 * What the frontend needs, in a real browser: a browser session whose refresh token no script can read, live
 * events through EventSource instead of polling, and a teammate's change arriving on the owner's screen.
 */
describe('a browser app on the real stack', () => {
  let page: TestPage;
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    page = await serveTestPage();
    stack = await startStack({ env: { CORS_ORIGINS: page.origin } });
    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium', // Debian's browser: the one a person would use, not the service's headless shell
      headless: true,
      pipe: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await page?.close();
  }, 60_000);

  /** A fresh browser profile (its own cookies) on the test page, talking to the gateway on localhost. */
  const openApp = async (): Promise<Page> => {
    const context = await browser.createBrowserContext();
    const tab = await context.newPage();
    await tab.goto(page.urlFor(stack.gatewayUrl.replace('127.0.0.1', 'localhost')));
    return tab;
  };
  const receivedIn = (tab: Page) => tab.evaluate(() => (window as unknown as PageApi).received);

  it('signs in with a cookie session, follows a PDF over the event stream, and sees a teammate’s answer arrive', async () => {
    const api = new ApiClient(stack.gatewayUrl);
    const owner = await api.register('browser-owner');
    const teammate = await api.register('browser-teammate');
    const project = { id: await api.createProject(owner, 'Workshop in the browser') };
    const added = await api.call('POST', `/api/projects/${project.id}/members`, { token: owner.accessToken, body: { email: teammate.email, role: 'editor' } });
    expect(added.status).toBe(201);

    const ownerTab = await openApp();
    const signedIn = await ownerTab.evaluate((email, password) => (window as unknown as PageApi).signIn(email, password), owner.email, owner.password);
    // The refresh token is nowhere a script could read it: not in the answer, not in document.cookie.
    expect(signedIn).toEqual({ status: 200, keys: ['accessToken', 'expiresIn', 'user'], cookiesScriptsSee: '' });
    expect(await ownerTab.evaluate(() => (window as unknown as PageApi).refreshFromCookie())).toEqual({ status: 200, keys: ['accessToken', 'expiresIn', 'user'], newToken: true });

    await ownerTab.evaluate(() => (window as unknown as PageApi).openEvents());
    const pdf = await ownerTab.evaluate((id) => (window as unknown as PageApi).call('POST', `/api/projects/${id}/pdf`), project.id);
    expect([200, 202]).toContain(pdf.status);
    // No polling: the page only listens, and the finished job arrives with its file's URL.
    await ownerTab.waitForFunction(
      (jobId) => (window as unknown as PageApi).received.some((e) => e.event === 'pdf.job' && e.data.jobId === jobId && e.data.status === 'done'),
      { timeout: 90_000 },
      pdf.body.jobId!,
    );
    const jobEvents = (await receivedIn(ownerTab)).filter((e) => e.event === 'pdf.job' && e.data.jobId === pdf.body.jobId);
    expect(jobEvents.map((e) => e.data.status)).toEqual(['queued', 'rendering', 'done']);
    const done = jobEvents.at(-1)!;
    expect(done.data.fileUrl).toEqual(expect.stringContaining(pdf.body.jobId!));

    const teammateTab = await openApp();
    await teammateTab.evaluate((email, password) => (window as unknown as PageApi).signIn(email, password), teammate.email, teammate.password);
    const saved = await teammateTab.evaluate(
      (id, fieldId) => (window as unknown as PageApi).call('PUT', `/api/projects/${id}/responses`, { responses: [{ fieldId, value: 'Seen from the other browser' }] }),
      project.id,
      FIELD_IDS[0]!,
    );
    expect(saved.status).toBe(200);
    await ownerTab.waitForFunction(
      (id) => (window as unknown as PageApi).received.some((e) => e.event === 'project.updated' && e.data.projectId === id),
      { timeout: 30_000 },
      project.id,
    );
    const updated = (await receivedIn(ownerTab)).filter((e) => e.event === 'project.updated' && e.data.projectId === project.id).at(-1)!;
    const answers = await ownerTab.evaluate((id) => (window as unknown as PageApi).call('GET', `/api/projects/${id}/responses`), project.id);
    expect(answers.body.items).toEqual([expect.objectContaining({ fieldId: FIELD_IDS[0], value: 'Seen from the other browser' })]);
    expect(updated.data.contentVersion).toBeGreaterThan(0);
  }, 180_000);
});

import { randomBytes } from 'node:crypto';
import { startStack, type TestStack } from '../../test/support/stack';
import { FIELD_IDS } from '../../test/system/support/api-client';
import { createPlaybookClient, type DeliveredEvent, type PlaybookClient, type Tokens } from '../src';

/** A fetch that records every answer's method, path and status before the client sees it. */
function recordingFetch() {
  const seen: Array<{ method: string; path: string; status: number }> = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    seen.push({ method: request.method, path: new URL(request.url).pathname, status: response.status });
    return response;
  };
  return { fetch: recording, seen };
}

describe('@playbook/client against the real stack', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // A per-user limit of 8 calls in 2 s, so a burst meets 429 with a short Retry-After.
    stack = await startStack({ env: { RATE_LIMIT_PER_USER: '8', RATE_LIMIT_WINDOW_SECONDS: '2' } });
  }, 90_000);
  afterAll(() => stack?.stop(), 60_000);

  const password = `Plum-Kettle-${randomBytes(6).toString('hex')}-Orbit`;
  const newClient = (extra: Partial<Parameters<typeof createPlaybookClient>[0]> = {}) => createPlaybookClient({ baseUrl: stack.gatewayUrl, ...extra });
  const signedUp = async (extra: Partial<Parameters<typeof createPlaybookClient>[0]> = {}) => {
    const client = newClient(extra);
    const email = `client-${randomBytes(5).toString('hex')}@example.com`;
    await client.register({ email, password, name: 'Client Test' });
    return { client, email };
  };
  const newProject = async (client: PlaybookClient) => {
    const { data, error } = await client.api.POST('/api/projects', { body: { name: 'Typed client' } });
    if (!data) throw new Error(`create answered ${JSON.stringify(error)}`);
    return data.id;
  };

  it('signs in and makes typed calls; a stale If-Match is refused with 412 and writes nothing, a fresh one saves', async () => {
    const { client, email } = await signedUp();
    const again = newClient();
    await expect(again.signIn(email, 'Wrong-Password-123!')).rejects.toMatchObject({ status: 401 });
    await again.signIn(email, password);
    const id = await newProject(again);

    const first = await again.api.GET('/api/projects/{id}/responses', { params: { path: { id } } });
    expect(first.data?.items).toEqual([]);
    const etag = first.response.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const fieldId = FIELD_IDS[0]!;
    const saved = await again.api.PUT('/api/projects/{id}/responses', { params: { path: { id }, header: { 'if-match': etag } }, body: { responses: [{ fieldId, value: 'first' }] } });
    expect(saved.response.status).toBe(200);

    // The same ETag again is stale now: 412 with the current one, and nothing written.
    const stale = await again.api.PUT('/api/projects/{id}/responses', { params: { path: { id }, header: { 'if-match': etag } }, body: { responses: [{ fieldId, value: 'second' }] } });
    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({ status: 412 });
    expect(stale.response.headers.get('etag')).not.toBe(etag);
    const after = await again.api.GET('/api/projects/{id}/responses', { params: { path: { id } } });
    expect(after.data?.items.map((item) => item.value)).toEqual(['first']);
    // The other client of the same account sees the project too.
    expect((await client.api.GET('/api/projects/{id}', { params: { path: { id } } })).data?.name).toBe('Typed client');
  });

  it('refreshes an expired access token once for every call waiting on it, and hands the new tokens over', async () => {
    const { email } = await signedUp();
    const kept: Tokens[] = [];
    await newClient({ onTokens: (tokens) => kept.push(tokens) }).signIn(email, password);
    const stranger = (await signedUp()).client;
    const strangersProject = await newProject(stranger);

    // The app restarts with the tokens it stored, and the access token has expired meanwhile.
    const recorder = recordingFetch();
    const stored: Tokens[] = [];
    const resumed = newClient({ tokens: { accessToken: 'expired.token.value', refreshToken: kept.at(-1)!.refreshToken }, fetch: recorder.fetch, onTokens: (tokens) => stored.push(tokens) });
    const answers = await Promise.all(Array.from({ length: 4 }, () => resumed.api.GET('/api/projects')));
    expect(answers.map((answer) => answer.response.status)).toEqual([200, 200, 200, 200]);
    expect(recorder.seen.filter((call) => call.path === '/api/auth/refresh')).toEqual([{ method: 'POST', path: '/api/auth/refresh', status: 200 }]);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.accessToken).not.toBe('expired.token.value');
    expect(stored[0]!.refreshToken).not.toBe(kept.at(-1)!.refreshToken);
    // Someone else's project stays a 404 through the client as well.
    expect((await resumed.api.GET('/api/projects/{id}', { params: { path: { id: strangersProject } } })).response.status).toBe(404);

    await resumed.signOut();
    expect(stored.at(-1)).toEqual({});
    expect(resumed.accessToken()).toBeUndefined();
    // Signing out ended the login: its last refresh token refreshes nothing.
    expect(await newClient({ tokens: { refreshToken: stored[0]!.refreshToken } }).refresh()).toBe(false);
    expect(await newClient().refresh()).toBe(false); // and without a refresh token there is nothing to refresh with
  });

  it('waits out 429 with Retry-After instead of failing the call', async () => {
    const recorder = recordingFetch();
    const { client } = await signedUp({ fetch: recorder.fetch, maxRetries: 3 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => client.api.GET('/api/projects')));
    expect(answers.map((answer) => answer.response.status)).toEqual(Array(12).fill(200));
    expect(recorder.seen.filter((call) => call.path === '/api/projects' && call.status === 429).length).toBeGreaterThan(0);
  }, 30_000);

  it('follows the live events: a PDF job from queued to done, and a saved change with its new version', async () => {
    const { client } = await signedUp();
    const id = await newProject(client);
    const controller = new AbortController();
    const received: DeliveredEvent[] = [];
    const following = (async () => {
      for await (const event of client.events({ signal: controller.signal })) {
        received.push(event);
        if (event.event === 'pdf.job' && event.data.status === 'done') break;
      }
    })();
    // The stream is open once the gateway counts it; then start the work.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const saved = await client.api.PUT('/api/projects/{id}/responses', { params: { path: { id } }, body: { responses: [{ fieldId: FIELD_IDS[0]!, value: 'live' }] } });
    expect(saved.response.status).toBe(200);
    const job = await client.api.POST('/api/projects/{id}/pdf', { params: { path: { id } } });
    expect([200, 202]).toContain(job.response.status);
    const deadline = setTimeout(() => controller.abort(), 60_000);
    await following;
    clearTimeout(deadline);
    controller.abort();

    const updated = received.find((event) => event.event === 'project.updated');
    expect(updated?.data).toMatchObject({ projectId: id, contentVersion: expect.any(Number) });
    const jobEvents = received.filter((event) => event.event === 'pdf.job' && event.data.jobId === job.data!.jobId);
    expect(jobEvents.map((event) => (event.event === 'pdf.job' ? event.data.status : undefined))).toEqual(['queued', 'rendering', 'done']);
    const done = received.find((event) => event.event === 'pdf.job' && event.data.status === 'done');
    expect(done?.data).toMatchObject({ projectId: id, jobId: job.data!.jobId, fileUrl: expect.stringContaining(job.data!.jobId) });
    expect(received.every((event) => typeof event.id === 'string')).toBe(true);

    // Resuming after the first event replays exactly the ones after it.
    const replay = new AbortController();
    const again: DeliveredEvent[] = [];
    const timer = setTimeout(() => replay.abort(), 30_000);
    for await (const event of client.events({ signal: replay.signal, lastEventId: received[0]!.id })) {
      again.push(event);
      if (again.length === received.length - 1) break;
    }
    clearTimeout(timer);
    expect(again.map((event) => event.id)).toEqual(received.slice(1).map((event) => event.id));
  }, 90_000);
});

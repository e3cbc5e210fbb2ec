import { ApiClient, answers, expectStatus, sleep, type Session } from './support/api-client';
import { startSystemStack } from './support/system-stack';
import type { TestStack } from '../support/stack';

/*
 * Project members through the gateway, with the real auth-service answering the email lookups
 * (auth.v1.email.lookup) and deleting accounts (docs/teams.md).
 */
describe('a project shared with members, through the gateway', () => {
  let stack: TestStack;
  let api: ApiClient;
  beforeAll(async () => {
    stack = await startSystemStack();
    api = new ApiClient(stack.gatewayUrl);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const as = (session: Session) => ({
    get: (path: string) => api.call('GET', path, { token: session.accessToken }),
    send: (method: string, path: string, body?: unknown) => api.call(method, path, { token: session.accessToken, body }),
  });

  it('adds a registered account by email, lets it read and print but not write, and forgets it when the account is deleted', async () => {
    const owner = await api.register('owner');
    const viewer = await api.register('viewer');
    const stranger = await api.register('stranger');
    const projectId = await api.createProject(owner, 'Shared through the gateway');
    await api.saveAnswers(owner, projectId, answers(3, (fieldId) => `answer to ${fieldId}`));
    const path = `/api/projects/${projectId}`;

    expectStatus(await as(owner).send('POST', `${path}/members`, { email: viewer.email.toUpperCase(), role: 'viewer' }), 201, 'add the viewer');
    expect((await as(owner).send('POST', `${path}/members`, { email: 'nobody-registered@example.com', role: 'viewer' })).status).toBe(404);
    expect((await as(owner).send('POST', `${path}/members`, { email: viewer.email, role: 'editor' })).status).toBe(409);

    expect(expectStatus(await as(viewer).get(path), 200, 'viewer reads')).toMatchObject({ id: projectId, role: 'viewer' });
    expect((await as(viewer).send('PUT', `${path}/responses`, { responses: answers(1, () => 'overwritten') })).status).toBe(403);
    expect((await as(viewer).send('POST', `${path}/members`, { email: stranger.email, role: 'viewer' })).status).toBe(403);
    expect((await as(stranger).get(path)).status).toBe(404);
    const listed = expectStatus(await as(viewer).get('/api/projects'), 200, 'viewer lists') as { items: Array<{ id: string; role: string }> };
    expect(listed.items).toEqual([expect.objectContaining({ id: projectId, role: 'viewer' })]);

    const job = await api.requestPdf(viewer, projectId);
    expect((await api.waitForJob(viewer, job.jobId, 60_000)).status).toBe('done');
    expect((await as(owner).get(`/api/pdf/jobs/${job.jobId}`)).status).toBe(404);

    expectStatus(await api.call('DELETE', '/api/auth/me', { token: viewer.accessToken, body: { password: viewer.password } }), 204, 'delete the viewer');
    let members: Array<{ userId: string }> = [];
    for (let i = 0; i < 100; i++) {
      members = (expectStatus(await as(owner).get(`${path}/members`), 200, 'members') as { items: Array<{ userId: string }> }).items;
      if (members.length === 1) break;
      await sleep(100);
    }
    expect(members.map((member) => member.userId)).toEqual([owner.userId]);
    expect((await as(owner).send('POST', `${path}/members`, { email: viewer.email, role: 'viewer' })).status).toBe(404);
  });
});

import { setTimeout as delay } from 'node:timers/promises';
import type { Logger, RunningService } from '@playbook/kit';
import type { RegisteredUser, TestAuthService } from '../../test/support/auth-service';
import { assertNoViolations, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';
import type { GatewayConfig } from '../src/config';
import { startGateway } from '../src/main';
import { startRealServices } from './support/real-services';
import { openEventStream, type SseEvent, type TestEventStream } from './support/sse-client';

const TICKET_TTL_MS = 3_000;
const HEARTBEAT_MS = 300;
const MAX_STREAMS_PER_USER = 3;

describe('live events through the gateway (GET /api/events)', () => {
  let natsServer: TestNatsServer;
  let auth: TestAuthService;
  let project: RunningService;
  let pdf: RunningService;
  let gateway: RunningService;
  const opened: TestEventStream[] = [];
  let gatewayConfig: (env?: Record<string, string>) => GatewayConfig;

  beforeAll(async () => {
    const quiet = (name: string) => createCapturingLogger(name).logger as Logger;
    const services = await startRealServices({ dbPrefix: 'sse', shutdownTimeoutMs: 10_000, logger: quiet });
    ({ natsServer, auth, project, pdf } = services);
    const events = { EVENTS_TICKET_TTL_MS: String(TICKET_TTL_MS), EVENTS_HEARTBEAT_MS: String(HEARTBEAT_MS), EVENTS_MAX_STREAMS_PER_USER: String(MAX_STREAMS_PER_USER) };
    gatewayConfig = (env = {}) => services.gatewayConfig({ ...events, ...env });
    gateway = await startGateway(gatewayConfig(), quiet('gateway'));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(opened.map((stream) => stream.close()));
    await gateway?.stop();
    await pdf?.stop();
    await project?.stop();
    await auth?.stop();
    const violations = natsServer?.violations() ?? [];
    await natsServer?.destroy();
    assertNoViolations(violations);
  }, 60_000);

  const call = async (method: string, path: string, token?: string, body?: unknown, to = gateway.url) => {
    const response = await fetch(`${to}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { response, json: () => response.json() as Promise<Record<string, unknown>> };
  };
  const ticketFor = async (user: RegisteredUser, to = gateway.url) => {
    const { response, json } = await call('POST', '/api/events/ticket', user.accessToken, undefined, to);
    expect(response.status).toBe(200);
    return (await json()).ticket as string;
  };
  const stream = async (query: string, headers: Record<string, string> = {}, to = gateway.url) => {
    const opening = await openEventStream(`${to}/api/events${query}`, headers);
    opened.push(opening);
    return opening;
  };
  /** A stream of `user`'s events, opened with a fresh ticket as a browser does. */
  const streamOf = async (user: RegisteredUser, query = '') => {
    const opening = await stream(`?ticket=${await ticketFor(user)}${query}`);
    expect(opening.response.status).toBe(200);
    return opening;
  };
  const newProject = async (user: RegisteredUser, name: string) => {
    const { response, json } = await call('POST', '/api/projects', user.accessToken, { name });
    expect(response.status).toBe(201);
    return (await json()).id as string;
  };
  /** Renames a project; answers its new content version. */
  const rename = async (user: RegisteredUser, projectId: string, name: string) => {
    const { response, json } = await call('PATCH', `/api/projects/${projectId}`, user.accessToken, { name });
    expect(response.status).toBe(200);
    return (await json()).contentVersion as number;
  };
  const isUpdateOf = (projectId: string, contentVersion?: number) => (event: SseEvent) =>
    event.event === 'project.updated' && event.data.projectId === projectId && (contentVersion === undefined || event.data.contentVersion === contentVersion);

  it('opens a stream with a single-use ticket and refuses a reused, unknown or expired one with 401 problem+json', async () => {
    const user = await auth.registerUser(gateway.url);
    const ticket = await ticketFor(user);
    const first = await stream(`?ticket=${ticket}`);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(first.response.headers.get('cache-control')).toBe('no-store');
    expect(first.response.headers.get('x-accel-buffering')).toBe('no');
    await first.until(() => first.retry(), 'retry hint');

    const expired = await ticketFor(user);
    for (const refused of [ticket, 'x'.repeat(43), 'not-a-ticket']) {
      const again = await stream(`?ticket=${refused}`);
      expect(again.response.status).toBe(401);
      expect(again.response.headers.get('content-type')).toContain('application/problem+json');
      expect(await again.response.json()).toMatchObject({ status: 401 });
    }
    expect((await stream('')).response.status).toBe(401);
    expect((await call('POST', '/api/events/ticket')).response.status).toBe(401);
    await delay(TICKET_TTL_MS + 500);
    expect((await stream(`?ticket=${expired}`)).response.status).toBe(401);
    expect((await streamOf(user)).response.status).toBe(200);
  });

  it('accepts a bearer token instead of a ticket, and sends heartbeats on a quiet stream', async () => {
    const user = await auth.registerUser(gateway.url);
    const quiet = await stream('', { authorization: `Bearer ${user.accessToken}` });
    expect(quiet.response.status).toBe(200);
    await quiet.until(() => quiet.comments() >= 2, 'two heartbeats', 10_000);
    expect(quiet.events).toEqual([]);
  });

  it("carries a project update with its new content version to the owner, and never one user's event to another", async () => {
    const alice = await auth.registerUser(gateway.url);
    const bob = await auth.registerUser(gateway.url);
    const aliceStream = await streamOf(alice);
    const bobStream = await streamOf(bob);
    const aliceProject = await newProject(alice, 'Alice only');
    const version = await rename(alice, aliceProject, 'Alice, renamed');
    const update = await aliceStream.next(isUpdateOf(aliceProject, version), "alice's update");
    expect(update.data).toEqual({ projectId: aliceProject, contentVersion: version, updatedAt: expect.any(String) });
    expect(Number(update.id)).toBeGreaterThan(0);

    // Bob's own event comes after Alice's on the one stream: once Bob has it, Alice's would have arrived before it.
    const bobProject = await newProject(bob, 'Bob only');
    await bobStream.next(isUpdateOf(bobProject, await rename(bob, bobProject, 'Bob, renamed')), "bob's update");
    expect(bobStream.events.filter((event) => JSON.stringify(event.data).includes(aliceProject))).toEqual([]);
    expect(aliceStream.events.filter((event) => JSON.stringify(event.data).includes(bobProject))).toEqual([]);
  });

  it('tells members of the changes of a project while they are members, and nobody else', async () => {
    const [alice, bob, carol] = await Promise.all([auth.registerUser(gateway.url), auth.registerUser(gateway.url), auth.registerUser(gateway.url)]);
    const [bobStream, carolStream] = [await streamOf(bob), await streamOf(carol)];
    const projectId = await newProject(alice, 'Shared');
    const added = await call('POST', `/api/projects/${projectId}/members`, alice.accessToken, { email: bob.user.email, role: 'editor' });
    expect(added.response.status).toBe(201);
    const membership = await bobStream.next((event) => event.event === 'project.membership' && event.data.role === 'editor', 'bob added');
    expect(membership.data).toEqual({ projectId, userId: bob.user.id, role: 'editor' });
    await bobStream.next(isUpdateOf(projectId, await rename(alice, projectId, 'Shared, renamed')), 'the update as a member');

    expect((await call('DELETE', `/api/projects/${projectId}/members/${bob.user.id}`, alice.accessToken)).response.status).toBe(204);
    await bobStream.next((event) => event.event === 'project.membership' && event.data.role === null, 'bob removed');
    const afterRemoval = await rename(alice, projectId, 'Shared, without Bob');
    const bobsOwn = await newProject(bob, 'Bob alone');
    await bobStream.next(isUpdateOf(bobsOwn, await rename(bob, bobsOwn, 'Bob alone, renamed')), "bob's own update");
    expect(bobStream.events.filter(isUpdateOf(projectId, afterRemoval))).toEqual([]);
    const carolsOwn = await newProject(carol, 'Carol alone');
    await carolStream.next(isUpdateOf(carolsOwn, await rename(carol, carolsOwn, 'Carol alone, renamed')), "carol's own update");
    expect(carolStream.events.filter((event) => JSON.stringify(event.data).includes(projectId))).toEqual([]);
  });

  it('shows a PDF asked for with POST /api/generate-pdf on the stream up to done, with the URL its file downloads from', async () => {
    const user = await auth.registerUser(gateway.url);
    const events = await streamOf(user);
    const projectId = await newProject(user, 'Printed live');
    const generated = await call('POST', '/api/generate-pdf', user.accessToken, { project_id: projectId });
    expect([200, 202]).toContain(generated.response.status);
    const done = await events.next((event) => event.event === 'pdf.job' && event.data.status === 'done', 'pdf done', 60_000);
    const statuses = events.events.filter((event) => event.event === 'pdf.job' && event.data.jobId === done.data.jobId).map((event) => event.data.status);
    // Every step of the job, in the order it went through them: a page was free, so the request rendered the PDF
    // itself, never queued (pdf-service/src/domain/render-here.ts).
    expect(statuses).toEqual(['rendering', 'done']);
    expect(done.data).toMatchObject({ projectId, fileUrl: `/api/pdf/jobs/${String(done.data.jobId)}/file` });
    const file = await call('GET', String(done.data.fileUrl), user.accessToken);
    expect(file.response.status).toBe(200);
    expect(file.response.headers.get('content-type')).toBe('application/pdf');
  }, 90_000);

  it('resumes after a disconnect with exactly the missed events, by Last-Event-ID or ?lastEventId=', async () => {
    const user = await auth.registerUser(gateway.url);
    const projectId = await newProject(user, 'Resumed');
    const first = await streamOf(user);
    const seen = await first.next(isUpdateOf(projectId, await rename(user, projectId, 'v1')), 'the first update');
    await first.close();

    const missed = [await rename(user, projectId, 'v2'), await rename(user, projectId, 'v3')];
    const byHeader = await stream('', { authorization: `Bearer ${user.accessToken}`, 'last-event-id': String(seen.id) });
    const byQuery = await streamOf(user, `&lastEventId=${String(seen.id)}`);
    for (const resumed of [byHeader, byQuery]) {
      await resumed.next(isUpdateOf(projectId, missed[1]), 'the last missed update');
      const live = await rename(user, projectId, `live ${opened.length}`);
      await resumed.next(isUpdateOf(projectId, live), 'a live update');
      const versions = resumed.events.filter(isUpdateOf(projectId)).map((event) => event.data.contentVersion);
      expect(versions.slice(0, 2)).toEqual(missed);
      expect(versions.at(-1)).toBe(live);
      expect(new Set(resumed.events.map((event) => event.id)).size).toBe(resumed.events.length);
    }

    const fromTheFuture = await stream('', { authorization: `Bearer ${user.accessToken}`, 'last-event-id': '999999999' });
    await fromTheFuture.next((event) => event.event === 'stream.resync', 'stream.resync');
  });

  it('refuses a stream past the per-user limit with 429, and closes the streams of a session that ended', async () => {
    const user = await auth.registerUser(gateway.url);
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS_PER_USER }, () => streamOf(user)));
    const extra = await stream(`?ticket=${await ticketFor(user)}`);
    expect(extra.response.status).toBe(429);
    expect(extra.response.headers.get('retry-after')).toBeTruthy();

    const logout = await call('POST', '/api/auth/logout', user.accessToken, { refreshToken: user.refreshToken });
    expect(logout.response.status).toBe(204);
    for (const open of streams) {
      await open.ended;
      expect(open.events.at(-1)).toEqual({ event: 'stream.closing', data: { reason: 'session-ended' } });
    }
    expect((await stream('', { authorization: `Bearer ${user.accessToken}` })).response.status).toBe(401);
  });

  it('takes a ticket from any replica, and ends its streams with stream.closing when it shuts down, well before the drain timeout', async () => {
    // A drain timeout far longer than the shutdown may take: open streams must not hold it open.
    const second = await startGateway(gatewayConfig({ SHUTDOWN_TIMEOUT_MS: '30000' }), createCapturingLogger('gateway-2').logger as Logger);
    const user = await auth.registerUser(gateway.url);
    const open = await stream(`?ticket=${await ticketFor(user)}`, {}, second.url);
    expect(open.response.status).toBe(200);
    await open.until(() => open.retry(), 'retry hint');
    const started = Date.now();
    await second.stop();
    await open.ended;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(open.events.at(-1)).toEqual({ event: 'stream.closing', data: { reason: 'shutdown' } });
  }, 60_000);
});

import { createUsers, startTraffic, type Sample, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import { STACK_SERVICES, type TestStack } from '../support/stack';
import { answers, ApiClient, sleep } from './support/api-client';
import { describeSamples, inFlightAt, recordResult, serviceOfRoute, startedBetween, waitAllReady } from './support/fault-helpers';
import { http } from './support/http-client';
import { startSystemStack } from './support/system-stack';

/** SHUTDOWN_TIMEOUT_MS defaults to 10 s; Kubernetes grants 30 s before SIGKILL. */
const GRACE_MS = 10_000;
const PROBE_PATH: Record<string, string> = { 'auth-service': '/api/auth/me', 'project-service': '/api/projects', 'pdf-service': '/api/pdf/jobs/00000000-0000-4000-8000-000000000000' };
const isNormal = (status: number) => (status >= 200 && status < 300) || status === 429;

describe('SIGTERM under load', () => {
  let stack: TestStack;
  let api: ApiClient;
  let users: VirtualUser[];
  const results: Record<string, unknown> = {};
  beforeAll(async () => {
    stack = await startSystemStack({ load: true });
    api = new ApiClient(stack.gatewayUrl);
    users = await createUsers(stack.gatewayUrl, 4);
  }, 120_000);
  afterAll(async () => {
    await stopAllTraffic();
    recordResult('faults', 'sigterm', results);
    await stack?.stop();
  }, 60_000);

  it.each(STACK_SERVICES.map((name) => [name]))('%s finishes every request it accepted and exits 0 within its grace period', async (name) => {
    // For pdf-service, slow accepted work: synchronous renders that are in progress when the signal comes.
    const renders =
      name === 'pdf-service'
        ? await Promise.all(
            users.slice(0, 2).map(async (user) => {
              await api.putResponses(user.session, user.projectId, answers(40, (id) => `sigterm ${Date.now()} ${id}`));
              return user;
            }),
          )
        : [];
    const syncCalls = renders.map((user) =>
      api.call('POST', '/api/generate-pdf', { token: user.session.accessToken, body: { project_id: user.projectId }, timeoutMs: 60_000 }),
    );
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: 60_000, thinkMs: 20, mix: { requestPdf: 0 }, timeoutMs: 20_000 });
    await sleep(name === 'pdf-service' ? 800 : 1_500);

    const signalledAt = Date.now();
    const exitCode = await stack.stopService(name, 'SIGTERM');
    const exitMs = Date.now() - signalledAt;
    // While it is gone: a quick refusal (502/503) from the gateway, never a hang.
    const whileDown = name === 'gateway' ? undefined : await http('GET', `${stack.gatewayUrl}${PROBE_PATH[name]}`, { timeoutMs: 10_000, headers: { authorization: `Bearer ${users[0]!.session.accessToken}` } });
    await stack.startService(name);
    const restartedAt = Date.now();
    expect(await waitAllReady(stack, 15_000)).toBeDefined();
    const samples = await traffic.stop();
    const sync = await Promise.all(syncCalls);

    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(GRACE_MS);
    // Accepted before the signal and still running at it: every one must finish normally.
    // A request written onto a keep-alive connection in the instant the closing server shuts it as idle is
    // reset before the server read it: not accepted (HTTP/1.1 §9.3.1, clients retry such requests). It gets no
    // answer at all; an accepted request always gets one. Counted, not failed.
    // Behind the gateway the same reset reaches the client as the gateway's quick 503 (it resends only body-less
    // GET/HEAD): a PUT cut that way was never accepted either.
    const notAccepted = (s: Sample) =>
      (s.status === 0 && /ECONNRESET|EPIPE|socket hang up/.test(s.error ?? '')) || (name !== 'gateway' && s.status === 503 && s.ms < 250);
    const inFlight = inFlightAt(samples, signalledAt).filter((s) => (name === 'gateway' || serviceOfRoute(s.route) === name) && !notAccepted(s));
    const resetWhileIdle = inFlightAt(samples, signalledAt).filter(notAccepted).length;
    expect(describeSamples(inFlight.filter((s) => !isNormal(s.status)))).toBe('');
    for (const answer of sync) {
      expect(`${answer.status} ${answer.headers['content-type']}`).toBe('200 application/pdf');
      expect(answer.body.subarray(0, 5).toString()).toBe('%PDF-');
    }
    if (whileDown) expect([502, 503]).toContain(whileDown.status);
    // Other services' routes are not touched by this one's shutdown.
    const others = startedBetween(samples, signalledAt, restartedAt).filter((s) => name !== 'gateway' && serviceOfRoute(s.route) !== name);
    expect(describeSamples(others.filter((s) => !isNormal(s.status)))).toBe('');
    results[name] = {
      exitCode,
      exitMs,
      inFlightAtSignal: inFlight.length + sync.length,
      resetWhileIdle,
      failedInFlight: inFlight.filter((s) => !isNormal(s.status)).length + sync.filter((a) => a.status !== 200).length,
      answerWhileDown: whileDown ? `${whileDown.status} in ${Math.round(whileDown.ms)} ms` : 'connection refused',
    };
  }, 120_000);
});

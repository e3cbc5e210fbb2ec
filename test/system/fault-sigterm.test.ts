import { createUsers, startTraffic, type Sample, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import { STACK_SERVICES, type TestStack } from '../support/stack';
import { ApiClient, sleep, type Session } from './support/api-client';
import { describeSamples, inFlightAt, recordResult, prepareSlowRequests, serviceOfRoute, startedBetween, waitAllReady, watchLoggedRequestIds } from './support/fault-helpers';
import { http } from './support/http-client';
import { startSystemStack } from './support/system-stack';

/**
 * The services' SHUTDOWN_TIMEOUT_MS in this test (10 s by default; Kubernetes grants 30 s before SIGKILL):
 * room for the slow requests in progress at the signal to finish on a saturated machine.
 */
const GRACE_MS = 25_000;
const PROBE_PATH: Record<string, string> = { 'auth-service': '/api/auth/me', 'project-service': '/api/projects', 'pdf-service': '/api/pdf/jobs/00000000-0000-4000-8000-000000000000' };
const isNormal = (status: number) => (status >= 200 && status < 300) || status === 429;

describe('SIGTERM under load', () => {
  let stack: TestStack;
  let api: ApiClient;
  let users: VirtualUser[];
  let slowUser: Session;
  const results: Record<string, unknown> = {};
  beforeAll(async () => {
    // A stronger (allowed) argon2 cost: a login takes long enough to be in progress when the signal comes.
    stack = await startSystemStack({ load: true, env: { ARGON2_TIME_COST: '16', SHUTDOWN_TIMEOUT_MS: String(GRACE_MS) } });
    api = new ApiClient(stack.gatewayUrl);
    users = await createUsers(stack.gatewayUrl, 4);
    slowUser = await api.register('slow');
  }, 120_000);
  // A failed shutdown must not leave its traffic running into the next one.
  afterEach(() => stopAllTraffic(), 60_000);
  afterAll(async () => {
    await stopAllTraffic();
    recordResult('faults', 'sigterm', results);
    await stack?.stop();
  }, 60_000);

  it.each(STACK_SERVICES.map((name) => [name]))('%s finishes every request it accepted and exits 0 within its grace period', async (name) => {
    const logged = watchLoggedRequestIds(stack, name);
    const sendSlow = await prepareSlowRequests(api, slowUser, name);
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: 60_000, thinkMs: 20, mix: { requestPdf: 0 }, timeoutMs: 20_000 });
    await sleep(1_500);
    // Accepted work that is still running when the signal comes: the service must finish it before exiting.
    const slow = sendSlow();
    await sleep(150);

    const signalledAt = Date.now();
    // SIGKILL only well after the grace period: an exit within it is the service's own.
    const exitCode = await stack.process(name)!.stop('SIGTERM', GRACE_MS + 5_000);
    const exitMs = Date.now() - signalledAt;
    // While it is gone: a quick refusal (502/503) from the gateway, never a hang.
    const whileDown = name === 'gateway' ? undefined : await http('GET', `${stack.gatewayUrl}${PROBE_PATH[name]}`, { timeoutMs: 10_000, headers: { authorization: `Bearer ${users[0]!.session.accessToken}` } });
    await stack.startService(name);
    const restartedAt = Date.now();
    expect(await waitAllReady(stack, 15_000)).toBeDefined();
    const samples = await traffic.stop();
    const slowAnswers = await Promise.all(slow.map(async (request) => ({ ...request, result: await request.answer })));

    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(GRACE_MS);
    // The slow requests were in progress at the signal, and each got its full, normal answer.
    expect(slowAnswers.filter(({ startedAt, result }) => startedAt + result.ms > signalledAt).length).toBeGreaterThan(0);
    for (const { what, result } of slowAnswers) {
      expect(`${what}: ${result.status || result.error} ${result.status === 200 ? '' : result.text.slice(0, 200)}`).toBe(`${what}: 200 `);
      if (what === 'render') expect(result.body.subarray(0, 5).toString()).toBe('%PDF-');
    }
    // Accepted before the signal and still running at it: every one must finish normally.
    // A request written onto a keep-alive connection in the instant the closing server shuts it as idle is
    // reset before the server read it: not accepted (HTTP/1.1 §9.3.1, clients retry such requests). Behind the
    // gateway the same reset reaches the client as the gateway's 503 (it resends only body-less GET/HEAD).
    // Such a request is "not accepted" only if the process never logged it: a logged request was taken and
    // answered, so a reset or 503 for it would be an answer lost on the way out.
    const looksNotAccepted = (s: Sample) => (s.status === 0 && /ECONNRESET|EPIPE|socket hang up/.test(s.error ?? '')) || (name !== 'gateway' && s.status === 503);
    const atSignal = inFlightAt(samples, signalledAt).filter((s) => name === 'gateway' || serviceOfRoute(s.route) === name);
    const notAccepted = atSignal.filter((s) => looksNotAccepted(s) && !logged.has(s.requestId));
    const inFlight = atSignal.filter((s) => !notAccepted.includes(s));
    expect(describeSamples(inFlight.filter((s) => !isNormal(s.status)))).toBe('');
    if (whileDown) expect([502, 503]).toContain(whileDown.status);
    // Other services' routes are not touched by this one's shutdown.
    const others = startedBetween(samples, signalledAt, restartedAt).filter((s) => name !== 'gateway' && serviceOfRoute(s.route) !== name);
    expect(describeSamples(others.filter((s) => !isNormal(s.status)))).toBe('');
    results[name] = {
      exitCode,
      exitMs,
      inFlightAtSignal: inFlight.length + slowAnswers.length,
      slowRequestsRunningAtSignal: slowAnswers.filter(({ startedAt, result }) => startedAt + result.ms > signalledAt).length,
      notAcceptedResets: notAccepted.length,
      failedInFlight: inFlight.filter((s) => !isNormal(s.status)).length + slowAnswers.filter(({ result }) => result.status !== 200).length,
      answerWhileDown: whileDown ? `${whileDown.status} in ${Math.round(whileDown.ms)} ms` : 'connection refused',
    };
  }, 120_000);
});

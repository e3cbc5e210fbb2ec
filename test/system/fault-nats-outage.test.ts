import { createUsers, errorWindow, startTraffic, summarize, verifyAnswers, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import type { TestStack } from '../support/stack';
import { STACK_SERVICES } from '../support/stack';
import { answers, ApiClient, sleep } from './support/api-client';
import { describeSamples, health, recordResult, startedBetween, waitAllReady } from './support/fault-helpers';
import { readPdfJobs } from './support/pdf-store';
import { pollUntil, startSystemStack } from './support/system-stack';

/** NATS_REQUEST_TIMEOUT_MS is 5 s: no request may wait much longer than that for a dependency. */
const ROUTE_TIMEOUT_MS = 5_000;
const OUTAGE_MS = 10_000;
/** Answered fields of each PDF queued before the outage: a render of a few seconds. */
const JOB_FIELDS = 30;

describe('NATS stopped for 10 s under light load', () => {
  let stack: TestStack;
  let api: ApiClient;
  let users: VirtualUser[];
  beforeAll(async () => {
    // Its own database, so the jobs' states can be read there while NATS is down.
    stack = await startSystemStack({ load: true, ownDatabase: true });
    api = new ApiClient(stack.gatewayUrl);
    users = await createUsers(stack.gatewayUrl, 4);
  }, 120_000);
  afterAll(async () => {
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it('answers 503/504 quickly, names NATS in /api/health, reconnects within 30 s and finishes every queued PDF job', async () => {
    // PDFs of some pages (distinct per user, so none comes from the cache), queued at once: more than the
    // renderer takes at a time, so some are still waiting in JetStream when NATS stops. Saved one after
    // another: big saves at once outlast the gateway's 10 s on a saturated machine.
    const jobProjects: Array<{ user: VirtualUser; projectId: string }> = [];
    for (const user of users) {
      const projectId = await api.createProject(user.session, 'Printed across the NATS outage');
      await api.saveAnswers(user.session, projectId, answers(JOB_FIELDS, (id) => `${user.index} ${id}: ${'Eine Antwort, 中文 und mehr.\n'.repeat(12)}`.slice(0, 280)));
      jobProjects.push({ user, projectId });
    }
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: 60_000, thinkMs: 100, timeoutMs: 30_000 });
    await sleep(1_500);
    const jobs = await Promise.all(jobProjects.map(async ({ user, projectId }) => ({ user, jobId: (await api.requestPdf(user.session, projectId)).jobId })));

    const stoppedAt = Date.now();
    await stack.nats.stop();
    // The outage lands mid-work: jobs were still waiting or rendering (unacknowledged in JetStream) when NATS went
    // away. Read from the database after the stop: a job cannot finish without NATS (its PDF goes to the object
    // store), so one unfinished now was unfinished at the stop; a read before the stop could be stale.
    const statesAtStop = (await readPdfJobs(stack)).filter((job) => jobs.some(({ jobId }) => jobId === job.jobId));
    expect(statesAtStop.map((job) => job.jobId).sort()).toEqual(jobs.map(({ jobId }) => jobId).sort());
    const unfinishedAtStop = statesAtStop.filter((job) => job.status !== 'done' && job.status !== 'failed');
    expect({ unfinished: unfinishedAtStop.length > 0, statesAtStop: statesAtStop.map((job) => job.status) }).toEqual({ unfinished: true, statesAtStop: statesAtStop.map((job) => job.status) });
    const unhealthy = await pollUntil(async () => {
      const answer = await health(stack);
      return answer.checks.nats === 'fail' ? answer : undefined;
    }, 8_000, 250);
    expect(unhealthy?.status).toBe(503);
    expect(unhealthy?.checks.nats).toBe('fail');
    // A request that cannot work without NATS (a render goes through JetStream): refused quickly.
    const probeUser = users[0]!;
    const pdfDuring = await api.call('POST', `/api/projects/${probeUser.projectId}/pdf`, { token: probeUser.session.accessToken, timeoutMs: 15_000 });
    expect([503, 504]).toContain(pdfDuring.status);
    expect(pdfDuring.ms).toBeLessThan(ROUTE_TIMEOUT_MS + 1_500);
    expect(pdfDuring.headers['content-type']).toMatch(/application\/problem\+json/);
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));

    await stack.nats.restart();
    const restartedAt = Date.now();
    // 0.6 s on a quiet machine (docs/reliability.md); beside a second full test run once more than 10 s, so the
    // same 30 s bound as the database outage and the stack health test.
    const reconnectMs = await waitAllReady(stack, 30_000);
    expect(reconnectMs).toBeDefined();
    const healthyMs = await pollUntil(async () => ((await health(stack)).status === 200 ? Date.now() - restartedAt : undefined), 30_000, 200);
    expect(healthyMs).toBeDefined();

    await sleep(3_000);
    const samples = await traffic.stop();
    const during = startedBetween(samples, stoppedAt, restartedAt);
    const settled = startedBetween(samples, restartedAt + (healthyMs ?? 0) + 1_000, Infinity);
    const window = errorWindow(samples);

    // During: only 503/504 as failures (or success when NATS is not needed), and never a hang.
    const badDuring = during.filter((s) => !((s.status >= 200 && s.status < 300) || s.status === 429 || s.status === 503 || s.status === 504));
    expect(describeSamples(badDuring)).toBe('');
    const slow = during.filter((s) => s.ms > ROUTE_TIMEOUT_MS + 1_500);
    expect(describeSamples(slow)).toBe('');
    // After: everything answers normally again.
    const badAfter = settled.filter((s) => !((s.status >= 200 && s.status < 300) || s.status === 429));
    expect(describeSamples(badAfter)).toBe('');

    // Nothing lost: the queued jobs all finish, and every acknowledged answer write is there, whole.
    const finished = await Promise.all(jobs.map(({ user, jobId }) => api.waitForJob(user.session, jobId, 90_000)));
    expect(finished.map((job) => job.status)).toEqual(jobs.map(() => 'done'));
    const data = await verifyAnswers(stack.gatewayUrl, users);
    expect(data.details).toEqual([]);
    expect(data.acknowledged).toBeGreaterThan(0);
    for (const name of STACK_SERVICES) expect(stack.process(name)?.child.exitCode).toBeNull();

    recordResult('faults', 'natsOutage', {
      outageMs: restartedAt - stoppedAt,
      requests: samples.length,
      requestsDuringOutage: during.length,
      failedDuringOutage: during.filter((s) => s.status >= 500 || s.status === 0).length,
      slowestDuringOutageMs: Math.round(Math.max(0, ...during.map((s) => s.ms))),
      pdfRequestDuringOutage: `${pdfDuring.status} in ${Math.round(pdfDuring.ms)} ms`,
      duringByRoute: summarize(during).routes.map(({ route, statuses, max }) => ({ route, statuses, max })),
      errorWindow: window,
      allReadyAfterRestartMs: reconnectMs,
      healthyAfterRestartMs: healthyMs,
      queuedJobs: jobs.length,
      jobsAtStop: statesAtStop.map((job) => job.status),
      jobsDone: finished.filter((job) => job.status === 'done').length,
      saves: data,
    });
  }, 180_000);
});

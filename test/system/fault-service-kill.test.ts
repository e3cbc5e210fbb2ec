import { createUsers, errorWindow, startTraffic, verifyAnswers, type Sample, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import { STACK_SERVICES, type StackServiceName, type TestStack } from '../support/stack';
import { answers, ApiClient, sleep } from './support/api-client';
import { describeSamples, isLockRetry, recordResult, serviceOfRoute, startedBetween, waitAllReady } from './support/fault-helpers';
import { storedPdfCounts } from './support/pdf-store';
import { pollUntil, startSystemStack } from './support/system-stack';

/** What a user may see while a service is down: the gateway's 502/503/504, or no answer when the gateway itself is down. */
const isOutageAnswer = (s: Sample, killed: StackServiceName) =>
  killed === 'gateway' ? s.status === 0 || s.status >= 500 : s.status === 502 || s.status === 503 || s.status === 504;
const isNormal = (s: Sample) => (s.status >= 200 && s.status < 300) || s.status === 429 || isLockRetry(s);

describe('each service killed with SIGKILL and restarted under load', () => {
  let stack: TestStack;
  let api: ApiClient;
  let users: VirtualUser[];
  const windows: Record<string, unknown> = {};
  beforeAll(async () => {
    // A short ack wait so a job held by the killed worker is handed out again within seconds, not 30 s.
    stack = await startSystemStack({ load: true, ownDatabase: true, env: { PDF_JOB_ACK_WAIT_MS: '5000' } });
    api = new ApiClient(stack.gatewayUrl);
    users = await createUsers(stack.gatewayUrl, 4);
  }, 120_000);
  afterAll(async () => {
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it.each(STACK_SERVICES.map((name) => [name]))('%s: only requests to it fail while it is down, and all work again after its restart', async (name) => {
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: 60_000, thinkMs: 50, mix: { requestPdf: 0 }, timeoutMs: 20_000 });
    await sleep(1_500);
    const killedAt = Date.now();
    await stack.stopService(name, 'SIGKILL');
    await stack.startService(name);
    const restartedAt = Date.now();
    expect(await waitAllReady(stack, 15_000)).toBeDefined();
    await sleep(2_000);
    const samples = await traffic.stop();

    const down = startedBetween(samples, killedAt, restartedAt);
    const unrelatedFailures = down.filter((s) => !isNormal(s) && (name === 'gateway' ? false : serviceOfRoute(s.route) !== name));
    expect(describeSamples(unrelatedFailures)).toBe('');
    expect(describeSamples(down.filter((s) => !isNormal(s) && !isOutageAnswer(s, name)))).toBe('');
    expect(describeSamples(down.filter((s) => s.ms > 10_000))).toBe('');
    const settled = startedBetween(samples, restartedAt + 1_000, Infinity);
    expect(describeSamples(settled.filter((s) => !isNormal(s)))).toBe('');
    windows[name] = { downMs: restartedAt - killedAt, requests: samples.length, lockRetries409: samples.filter(isLockRetry).length, ...errorWindow(samples, (s) => !isNormal(s)) };
  }, 120_000);

  it('loses no acknowledged answer write and tears no bulk write', async () => {
    const data = await verifyAnswers(stack.gatewayUrl, users);
    expect(data.details).toEqual([]);
    recordResult('faults', 'sigkill', { ...windows, lostWrites: data.lost, tornWrites: data.torn });
  }, 60_000);

  it('redelivers the PDF jobs the killed pdf-service held and stores each exactly once', async () => {
    const jobs: Array<{ user: VirtualUser; jobId: string }> = [];
    for (const user of users) {
      await api.putResponses(user.session, user.projectId, answers(60, (id) => `kill test ${user.index} ${id}\nwith a second line`));
      jobs.push({ user, jobId: (await api.requestPdf(user.session, user.projectId)).jobId });
    }
    const rendering = await pollUntil(async () => {
      const states = await Promise.all(jobs.map(({ user, jobId }) => api.job(user.session, jobId)));
      return states.some((job) => job.status === 'rendering') ? states : undefined;
    }, 20_000, 50);
    expect(rendering).toBeDefined();
    const before = await storedPdfCounts(stack);
    await stack.stopService('pdf-service', 'SIGKILL');
    await stack.startService('pdf-service');

    const finished = await Promise.all(jobs.map(({ user, jobId }) => api.waitForJob(user.session, jobId, 90_000)));
    expect(finished.map((job) => job.status)).toEqual(jobs.map(() => 'done'));
    for (const { user, jobId } of jobs) {
      const file = await api.call('GET', `/api/pdf/jobs/${jobId}/file`, { token: user.session.accessToken });
      expect(file.status).toBe(200);
      expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');
    }
    // Give a redelivered duplicate the chance to show up before counting.
    await sleep(2_000);
    const after = await storedPdfCounts(stack);
    expect(after.filesPerJob.filter((entry) => jobs.some((job) => job.jobId === entry.jobId) && entry.files !== 1)).toEqual([]);
    recordResult('faults', 'sigkillPdfJobs', {
      jobsInFlight: jobs.length,
      renderingWhenKilled: rendering!.filter((job) => job.status === 'rendering').length,
      done: finished.filter((job) => job.status === 'done').length,
      storedFilesBefore: before.files,
      storedFilesAfter: after.files,
      duplicateOrMissingFiles: after.filesPerJob.filter((entry) => jobs.some((job) => job.jobId === entry.jobId) && entry.files !== 1).length,
    });
  }, 150_000);
});

import { createUsers, errorWindow, readSettledResponses, startTraffic, verifyAnswers, type Sample, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import { STACK_SERVICES, type StackServiceName, type TestStack } from '../support/stack';
import { answers, ApiClient, sleep, type Session } from './support/api-client';
import { describeSamples, isLockRetry, recordResult, prepareSlowRequests, serviceOfRoute, SLOW_BATCH_FIELDS, startedBetween, waitAllReady, type SlowRequest } from './support/fault-helpers';
import type { HttpResult } from './support/http-client';
import { readPdfJobs, watchPdfStores } from './support/pdf-store';
import { pollUntil, startSystemStack } from './support/system-stack';

/** What a user may see while a service is down: the gateway's 502/503/504, or no answer when the gateway itself is down. */
const isOutageAnswer = (s: Sample, killed: StackServiceName) =>
  killed === 'gateway' ? s.status === 0 || s.status >= 500 : s.status === 502 || s.status === 503 || s.status === 504;
const isNormal = (s: Sample) => (s.status >= 200 && s.status < 300) || s.status === 429 || isLockRetry(s);
/** A request the kill cut: it got no answer of its own, only the gateway's (or, with the gateway killed, none). */
const wasCut = (answer: HttpResult) => answer.status === 0 || answer.status === 502 || answer.status === 503 || answer.status === 504;

/** Rounds of slow requests a kill may wait for, until one is still running when the kill goes out. */
const SLOW_ROUNDS = 3;

describe('each service killed with SIGKILL and restarted under load', () => {
  let stack: TestStack;
  let api: ApiClient;
  let users: VirtualUser[];
  /** Sends the slow requests each kill cuts; its bulk saves are checked all-or-nothing at the end. */
  let slowUser: Session;
  const slowSent: SlowRequest[] = [];
  const windows: Record<string, unknown> = {};
  beforeAll(async () => {
    // A short ack wait so a job held by the killed worker is handed out again within seconds, not 30 s.
    // A stronger (allowed) argon2 cost makes a login take long enough to be killed in the middle of it.
    stack = await startSystemStack({ load: true, ownDatabase: true, env: { PDF_JOB_ACK_WAIT_MS: '5000', ARGON2_TIME_COST: '16' } });
    api = new ApiClient(stack.gatewayUrl);
    users = await createUsers(stack.gatewayUrl, 4);
    slowUser = await api.register('slow');
  }, 120_000);
  // A failed kill must not leave its traffic running into the next one.
  afterEach(() => stopAllTraffic(), 60_000);
  afterAll(async () => {
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it.each(STACK_SERVICES.map((name) => [name]))('%s: only requests to it fail while it is down, and all work again after its restart', async (name) => {
    // Up to three rounds of slow requests (fresh projects each, so every bulk save can be checked on its own):
    // the kill goes out in the first round that still has one unanswered 150 ms after sending.
    const rounds = [];
    for (let round = 0; round < SLOW_ROUNDS; round++) rounds.push(await prepareSlowRequests(api, slowUser, name));
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: 60_000, thinkMs: 50, mix: { requestPdf: 0 }, timeoutMs: 20_000 });
    await sleep(1_500);
    const slow: SlowRequest[] = [];
    for (const sendSlow of rounds) {
      const sent = sendSlow();
      slow.push(...sent);
      const answered = sent.map(() => false);
      sent.forEach((request, i) => void request.answer.then(() => (answered[i] = true)));
      await sleep(150);
      if (answered.includes(false)) break;
    }
    slowSent.push(...slow);
    const killedAt = Date.now();
    await stack.stopService(name, 'SIGKILL');
    await stack.startService(name);
    const restartedAt = Date.now();
    expect(await waitAllReady(stack, 15_000)).toBeDefined();
    await sleep(2_000);
    const samples = await traffic.stop();
    const slowAnswers = await Promise.all(slow.map((request) => request.answer));

    // The kill landed on work in progress: at least one slow request was still unanswered when the signal went
    // and was then cut, before the restart (a timeout of its own, or a cut answer before the kill, does not count).
    const slowAtKill = slow.map((request, i) => {
      const answer = slowAnswers[i]!;
      const endedAt = request.startedAt + answer.ms;
      return { what: request.what, status: answer.status, answeredAfterKillMs: Math.round(endedAt - killedAt), cutByKill: wasCut(answer) && request.startedAt < killedAt && endedAt >= killedAt && endedAt <= restartedAt };
    });
    expect({ cutByKill: slowAtKill.some((request) => request.cutByKill), slowAtKill }).toEqual({ cutByKill: true, slowAtKill });
    const down = startedBetween(samples, killedAt, restartedAt);
    const unrelatedFailures = down.filter((s) => !isNormal(s) && (name === 'gateway' ? false : serviceOfRoute(s.route) !== name));
    expect(describeSamples(unrelatedFailures)).toBe('');
    expect(describeSamples(down.filter((s) => !isNormal(s) && !isOutageAnswer(s, name)))).toBe('');
    expect(describeSamples(down.filter((s) => s.ms > 10_000))).toBe('');
    const settled = startedBetween(samples, restartedAt + 1_000, Infinity);
    expect(describeSamples(settled.filter((s) => !isNormal(s)))).toBe('');
    windows[name] = {
      downMs: restartedAt - killedAt,
      requests: samples.length,
      slowRequestsCut: slowAtKill.filter((request) => request.cutByKill).length,
      lockRetries409: samples.filter(isLockRetry).length,
      ...errorWindow(samples, (s) => !isNormal(s)),
    };
  }, 120_000);

  it('stores every acknowledged answer save and keeps every cut bulk save whole or not at all', async () => {
    const data = await verifyAnswers(stack.gatewayUrl, users);
    expect(data.details).toEqual([]);
    expect(data.acknowledged).toBeGreaterThan(0);
    const bulkStates = await Promise.all(
      slowSent.filter((request) => request.marker).map(async ({ projectId, marker, answer }) => {
        const stored = (await readSettledResponses(api, slowUser, projectId!)).filter((item) => item.value.startsWith(marker!));
        return { projectId, status: (await answer).status, stored: stored.length, whole: stored.length === SLOW_BATCH_FIELDS };
      }),
    );
    // A 200 means all of them; anything else means all or none (the journal finishes a save a kill cut).
    expect(bulkStates.filter((state) => (state.status === 200 ? !state.whole : state.stored !== 0 && !state.whole))).toEqual([]);
    recordResult('faults', 'sigkill', { ...windows, saves: data, bulkSaves: bulkStates });
  }, 90_000);

  it('redelivers the PDF jobs the killed pdf-service held and stores each PDF exactly once', async () => {
    const stores = await watchPdfStores(stack);
    try {
      const jobs: Array<{ user: VirtualUser; jobId: string }> = [];
      for (const user of users) {
        await api.saveAnswers(user.session, user.projectId, answers(60, (id) => `kill test ${user.index} ${id}\nwith a second line`));
        jobs.push({ user, jobId: (await api.requestPdf(user.session, user.projectId)).jobId });
      }
      const rendering = await pollUntil(async () => {
        const states = await Promise.all(jobs.map(({ user, jobId }) => api.job(user.session, jobId)));
        return states.some((job) => job.status === 'rendering') ? states : undefined;
      }, 20_000, 50);
      expect(rendering).toBeDefined();
      await stack.stopService('pdf-service', 'SIGKILL');
      // What the killed process held: jobs it had not finished (read after its death, so none can move on).
      const mine = (list: Awaited<ReturnType<typeof readPdfJobs>>) => list.filter((job) => jobs.some(({ jobId }) => jobId === job.jobId));
      const atKill = mine(await readPdfJobs(stack));
      const heldRendering = atKill.filter((job) => job.status === 'rendering');
      expect(heldRendering.length).toBeGreaterThan(0);
      await stack.startService('pdf-service');

      // Redelivered: each job the killed process was rendering is taken again by JetStream's next delivery
      // (attempt 2 or later) within the 5 s ack wait and some margin; checked before waiting for the end, so a
      // job that is never redelivered fails here, by name, instead of as a timeout of the wait below.
      const heldAttempts = async () => mine(await readPdfJobs(stack)).filter((job) => heldRendering.some((held) => held.jobId === job.jobId));
      const taken = await pollUntil(async () => ((await heldAttempts()).every((job) => job.attempts >= 2) ? true : undefined), 30_000, 250);
      if (!taken) expect((await heldAttempts()).filter((job) => job.attempts < 2).map((job) => `${job.jobId}: ${job.status}, attempt ${job.attempts}`)).toEqual([]);

      const finished = await Promise.all(jobs.map(({ user, jobId }) => api.waitForJob(user.session, jobId, 90_000)));
      expect(finished.map((job) => job.status)).toEqual(jobs.map(() => 'done'));
      for (const { user, jobId } of jobs) {
        const file = await api.call('GET', `/api/pdf/jobs/${jobId}/file`, { token: user.session.accessToken });
        expect(file.status).toBe(200);
        expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');
      }
      // Give a redelivered duplicate the chance to show up before counting.
      await sleep(2_000);
      const after = mine(await readPdfJobs(stack));
      // Redelivered: each job the killed process was rendering was taken again by JetStream's next delivery.
      const redelivered = after.filter((job) => heldRendering.some((held) => held.jobId === job.jobId));
      expect(redelivered.filter((job) => job.attempts < 2).map((job) => `${job.jobId}: attempt ${job.attempts}`)).toEqual([]);
      // Stored once: every put into the object store was seen, so a second store of one PDF would count 2.
      const putCounts = after.map((job) => ({ jobId: job.jobId, puts: job.cacheKey ? stores.putsOf(job.cacheKey) : 0 }));
      expect(putCounts.filter((count) => count.puts !== 1)).toEqual([]);
      recordResult('faults', 'sigkillPdfJobs', {
        jobsInFlight: jobs.length,
        unfinishedAtKill: atKill.filter((job) => job.status !== 'done').length,
        renderingAtKill: heldRendering.length,
        attemptsOfRedelivered: redelivered.map((job) => job.attempts),
        done: finished.filter((job) => job.status === 'done').length,
        storesPerPdf: putCounts.map((count) => count.puts),
      });
    } finally {
      await stores.close();
    }
  }, 150_000);
});

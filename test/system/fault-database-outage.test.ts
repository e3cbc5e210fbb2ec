import { createUsers, errorWindow, startTraffic, verifyAnswers, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import type { TestStack } from '../support/stack';
import { STACK_SERVICES } from '../support/stack';
import { answers, ApiClient, FIELD_IDS, sleep } from './support/api-client';
import { describeSamples, health, recordResult, startedBetween } from './support/fault-helpers';
import { http } from './support/http-client';
import { pidOf, pollUntil, startSystemStack } from './support/system-stack';

/** Longer than mongoose's 10 s command buffering and the driver's 5 s server selection, so 503s must show. */
const OUTAGE_MS = 12_000;
/** A request may wait for the database a few seconds, never indefinitely. */
const MAX_WAIT_MS = 12_000;
const LOCK_STALE_MS = 15_000;
/** Every service reconnects by itself within this time after the database is back. */
const RECOVERY_LIMIT_MS = Number(process.env.DB_RECOVERY_LIMIT_MS ?? 30_000);

describe('the database stopped and restarted under light load', () => {
  let stack: TestStack;
  let api: ApiClient;
  let users: VirtualUser[];
  let bulkStop = false;
  const databaseLines: string[] = [];
  /** 5xx answers that are not the mapped 503 "database unavailable" (logged with their cause by the service). */
  const unexpectedErrors: string[] = [];
  beforeAll(async () => {
    stack = await startSystemStack({ load: true, ownDatabase: true, env: process.env.STACK_LOG_LEVEL ? { LOG_LEVEL: process.env.STACK_LOG_LEVEL } : {} });
    api = new ApiClient(stack.gatewayUrl);
    // The database lines of every service, kept whole for a failure message (the stack keeps only the tail).
    for (const name of STACK_SERVICES) {
      stack.process(name)?.child.stdout?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (/database \S+ (dis|re)?connected|heartbeat|server is now|replacing the client|new client/.test(line) && databaseLines.length < 400) databaseLines.push(`${name}: ${line.slice(0, 240)}`);
          if (/failed: /.test(line) && !/The database is unavailable/.test(line) && unexpectedErrors.length < 20) unexpectedErrors.push(`${name}: ${line.slice(0, 400)}`);
        }
      });
    }
    users = await createUsers(stack.gatewayUrl, 4);
  }, 120_000);
  afterAll(async () => {
    bulkStop = true;
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it('answers 503 meanwhile, recovers without a restart and never keeps part of a bulk write', async () => {
    const pidsBefore = STACK_SERVICES.map((name) => pidOf(stack, name));
    // Big bulk writes (every field of the playbook at once) make a torn write likely if one can happen.
    const bulkUser = users[0]!;
    let bulkSeq = 0;
    let bulkAcked = 0;
    const bulkWriter = (async () => {
      for (let i = 0; i < 500 && !bulkStop; i++) {
        const seq = ++bulkSeq;
        const result = await api.putResponses(bulkUser.session, bulkUser.projectId, answers(FIELD_IDS.length, () => `bulk:${seq}`));
        if (result.status === 200 || result.status === 204) bulkAcked = seq;
        await sleep(50);
      }
    })();
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users: users.slice(1), durationMs: 60_000, thinkMs: 100, mix: { requestPdf: 0, pollJob: 0 }, timeoutMs: 30_000 });
    await sleep(1_500);

    // The embedded database finishes what it is serving before it exits; the outage starts when it is gone.
    await stack.db!.stop();
    const stoppedAt = Date.now();
    const unhealthy = await pollUntil(async () => {
      const answer = await health(stack);
      return answer.status === 503 ? answer : undefined;
    }, 8_000, 250);
    expect(unhealthy?.status).toBe(503);
    expect(unhealthy?.checks.database).toBe('fail');
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));

    await stack.db!.restart();
    const restartedAt = Date.now();
    const healthLog: string[] = [];
    const healthyMs = await pollUntil(async () => {
      const answer = await health(stack);
      healthLog.push(`${Date.now() - restartedAt} ms: ${answer.status} ${JSON.stringify(answer.checks)}`);
      return answer.status === 200 ? Date.now() - restartedAt : undefined;
    }, RECOVERY_LIMIT_MS, 500);
    if (healthyMs === undefined) {
      bulkStop = true;
      await traffic.stop();
      const direct = await Promise.all(STACK_SERVICES.map(async (name) => {
        const answer = await http('GET', `${stack.url(name)}/readyz`, { timeoutMs: 3_000, agent: false });
        return `${name} /readyz directly: ${answer.status || answer.error} ${answer.text.slice(0, 200)}`;
      }));
      healthLog.push(...direct);
      const logs = databaseLines.filter((line) => line.startsWith('project') || !line.includes('heartbeat failed')).slice(-60);
      throw new Error(`not healthy ${RECOVERY_LIMIT_MS} ms after the database came back:\n${healthLog.slice(-8).join('\n')}\n${logs.join('\n')}`);
    }
    await sleep(3_000);
    bulkStop = true;
    const samples = await traffic.stop();
    await bulkWriter;

    const during = startedBetween(samples, stoppedAt, restartedAt);
    // A save cut by the outage leaves its project locked (journal) until PROJECT_LOCK_STALE_MS (15 s) after it
    // began, answering 409 "retry shortly" meanwhile; after that the next request finishes it.
    const settled = startedBetween(samples, Math.max(restartedAt + (healthyMs ?? 0) + 1_000, stoppedAt - 3_000 + LOCK_STALE_MS + 1_000), Infinity);
    const badDuring = startedBetween(samples, stoppedAt, restartedAt + (healthyMs ?? 0)).filter((s) => !((s.status >= 200 && s.status < 300) || [409, 429, 503, 504].includes(s.status)));
    expect(describeSamples(badDuring)).toBe('');
    expect(describeSamples(during.filter((s) => s.ms > MAX_WAIT_MS))).toBe('');
    expect(during.some((s) => s.status === 503)).toBe(true);
    // Not a single 500 around the outage (while the database shuts down, is gone, or comes back).
    expect(describeSamples(samples.filter((s) => s.status === 500))).toBe('');
    expect(unexpectedErrors).toEqual([]);
    expect(describeSamples(settled.filter((s) => !((s.status >= 200 && s.status < 300) || s.status === 429)))).toBe('');

    // Recovered by itself: the same processes, none restarted.
    expect(STACK_SERVICES.map((name) => pidOf(stack, name))).toEqual(pidsBefore);
    for (const name of STACK_SERVICES) expect(stack.process(name)?.child.exitCode).toBeNull();

    // All or nothing: the big bulk write left every field from one single write, and not older than the last acknowledged.
    const stored = await api.readResponses(bulkUser.session, bulkUser.projectId);
    const bulkValues = new Set(stored.map((item) => item.value));
    expect(stored).toHaveLength(FIELD_IDS.length);
    expect([...bulkValues]).toHaveLength(1);
    const storedSeq = Number(([...bulkValues][0] ?? '').slice('bulk:'.length));
    expect(storedSeq).toBeGreaterThanOrEqual(bulkAcked);
    const data = await verifyAnswers(stack.gatewayUrl, users.slice(1));
    expect(data.details).toEqual([]);

    recordResult('faults', 'databaseOutage', {
      outageMs: restartedAt - stoppedAt,
      requests: samples.length + bulkSeq,
      requestsDuringOutage: during.length,
      status503DuringOutage: during.filter((s) => s.status === 503).length,
      status409AroundOutage: samples.filter((s) => s.status === 409).length,
      slowestDuringOutageMs: Math.round(Math.max(0, ...during.map((s) => s.ms))),
      errorWindow: errorWindow(samples),
      healthyAfterRestartMs: healthyMs,
      bulkWrites: bulkSeq,
      bulkWritesAcknowledged: bulkAcked,
      clientReplacements: databaseLines.filter((line) => /replacing the client/.test(line)).length,
      unexpectedErrors,
      lostWrites: data.lost + (storedSeq >= bulkAcked ? 0 : 1),
      tornWrites: data.torn + (bulkValues.size === 1 ? 0 : 1),
    });
  }, 180_000 + RECOVERY_LIMIT_MS);
});

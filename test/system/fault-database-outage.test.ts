import { listPlaybookFields } from '@playbook/contract';
import { createUsers, errorWindow, readSettledResponses, savesInFlightAt, startTraffic, verifyAnswers, type VirtualUser, stopAllTraffic } from '../../bench/load/traffic';
import type { TestStack } from '../support/stack';
import { STACK_SERVICES } from '../support/stack';
import { answers, ApiClient, FIELD_IDS, sleep } from './support/api-client';
import { collectErrorLines, describeSamples, health, recordResult, startedBetween, writeResultLog } from './support/fault-helpers';
import { http } from './support/http-client';
import { pidOf, pollUntil, stackPids, startSystemStack } from './support/system-stack';
import { playbookCatalog } from '../../project-service/src/domain/playbook-catalog';

/** Longer than mongoose's 10 s command buffering and the driver's 5 s server selection, so 503s must show. */
const OUTAGE_MS = 12_000;
/** A request may wait for the database a few seconds, never indefinitely. */
const MAX_WAIT_MS = 12_000;
const LOCK_STALE_MS = 15_000;
/** Kills made until one lands on a save in progress (see the test). */
const KILL_ROUNDS = 3;
/** Every service reconnects by itself within this time after the database is back. */
const RECOVERY_LIMIT_MS = Number(process.env.DB_RECOVERY_LIMIT_MS ?? 30_000);


const MAX_LENGTH = new Map(listPlaybookFields(playbookCatalog).map(({ field }) => [field.id, field.maxLength]));
/**
 * A bulk save's value for one field: its save's number, then filler up to the field's limit. Every field full
 * (~480 KB a save) keeps the database busy writing long enough for the kill to land on a write in progress;
 * a save of short values is one write of a few ms, done before the kill on an idle machine.
 */
const bulkValue = (seq: number, fieldId: string) => `bulk:${seq} ${fieldId} `.padEnd(MAX_LENGTH.get(fieldId) ?? 0, 'filler ');

describe('the database killed (SIGKILL) mid-write and restarted under light load', () => {
  let stack: TestStack;
  /** The services' error lines (a 500 is logged with its cause), kept in .bin/system-results/database-outage-errors.log. */
  const errors = collectErrorLines(500);
  let api: ApiClient;
  let users: VirtualUser[];
  let bulkStop = false;
  const databaseLines: string[] = [];
  /** 5xx answers that are not the mapped 503 "database unavailable" (logged with their cause by the service). */
  const unexpectedErrors: string[] = [];
  beforeAll(async () => {
    stack = await startSystemStack({ load: true, ownDatabase: true, env: process.env.STACK_LOG_LEVEL ? { LOG_LEVEL: process.env.STACK_LOG_LEVEL } : {}, onOutput: errors.onOutput });
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
    writeResultLog('database-outage-errors.log', errors.lines);
    bulkStop = true;
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it('answers 503 meanwhile, recovers without a restart, keeps every acknowledged save and never part of a bulk save', async () => {
    const pidsBefore = STACK_SERVICES.map((name) => pidOf(stack, name));
    // Big bulk writes (every field of the playbook at once) make a torn write likely if one can happen.
    const bulkUser = users[0]!;
    const bulkSaves: Array<{ seq: number; status: number; startedAt: number; endedAt?: number }> = [];
    const bulkWriter = (async () => {
      for (let seq = 1; seq <= 500 && !bulkStop; seq++) {
        const save: (typeof bulkSaves)[number] = { seq, status: 0, startedAt: Date.now() };
        bulkSaves.push(save);
        const result = await api.putResponses(bulkUser.session, bulkUser.projectId, answers(FIELD_IDS.length, (id) => bulkValue(seq, id)));
        Object.assign(save, { status: result.status, endedAt: Date.now() });
        await sleep(50);
      }
    })();
    const traffic = startTraffic({ baseUrl: stack.gatewayUrl, users: users.slice(1), durationMs: 180_000, thinkMs: 100, mix: { requestPdf: 0, pollJob: 0 }, timeoutMs: 30_000 });
    await sleep(1_500);

    // SIGKILL while a bulk save is on the wire: the database dies in the middle of the writes, with no chance
    // to finish what it serves (a power cut, an OOM kill). A save on the wire may still be past its writes
    // (its answer on the way back), most likely on a busy machine; the kill counts as landed once a save on
    // the wire at that instant got no 200, and up to KILL_ROUNDS kills are made until one lands.
    const onWireAt = (instant: number) => [
      ...bulkSaves.filter((save) => save.startedAt <= instant && (save.endedAt ?? Infinity) >= instant),
      ...savesInFlightAt(users.slice(1), instant),
    ];
    const killRounds: Array<{ onWire: number[] }> = [];
    let stoppedAt = 0;
    for (let round = 1; round <= KILL_ROUNDS; round++) {
      const bulkOnWire = await pollUntil(() => bulkSaves.find((save) => save.endedAt === undefined && Date.now() - save.startedAt > 30), 20_000, 2);
      expect(bulkOnWire).toBeDefined();
      stoppedAt = Date.now();
      process.kill(stackPids(stack).database!, 'SIGKILL');
      await stack.db!.stop();
      const unhealthy = await pollUntil(async () => {
        const answer = await health(stack);
        return answer.status === 503 ? answer : undefined;
      }, 8_000, 250);
      expect(unhealthy?.status).toBe(503);
      expect(unhealthy?.checks.database).toBe('fail');
      // The bulk save on the wire is answered within MAX_WAIT_MS (503 while the database is gone).
      await pollUntil(() => (bulkOnWire!.endedAt !== undefined ? true : undefined), MAX_WAIT_MS, 50);
      const onWire = onWireAt(stoppedAt).map((save) => save.status);
      killRounds.push({ onWire });
      if (onWire.some((status) => status !== 200) || round === KILL_ROUNDS) break;
      await stack.db!.restart();
      expect(await pollUntil(async () => ((await health(stack)).status === 200 ? true : undefined), RECOVERY_LIMIT_MS, 250)).toBe(true);
      await sleep(1_000);
    }
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
    // A save cut by the outage leaves its project locked (journal) until PROJECT_LOCK_STALE_MS (5 s) after it
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

    // The kill landed mid-write: a save on the wire at that instant got no 200 (it was cut).
    const onWireAtKill = onWireAt(stoppedAt);
    expect(onWireAtKill.filter((save) => save.status !== 200).length).toBeGreaterThan(0);

    // All or nothing: the big bulk write left every field from one single save, the newest acknowledged or a
    // later one without a clear answer; never a refused one.
    const stored = await readSettledResponses(api, bulkUser.session, bulkUser.projectId);
    const storedSeqs = new Set(stored.map((item) => /^bulk:(\d+) /.exec(item.value)?.[1]));
    const ackedBulk = bulkSaves.filter((save) => save.status === 200);
    const storedSave = bulkSaves.find((save) => String(save.seq) === [...storedSeqs][0]);
    expect({ fields: stored.length, saves: [...storedSeqs] }).toEqual({ fields: FIELD_IDS.length, saves: [expect.any(String)] });
    expect(storedSave!.seq).toBeGreaterThanOrEqual(ackedBulk.at(-1)?.seq ?? 0);
    expect(storedSave!.status === 200 || storedSave!.status === 0 || storedSave!.status >= 500).toBe(true);
    expect(stored.every((item) => item.value === bulkValue(storedSave!.seq, item.fieldId))).toBe(true);
    // Every acknowledged save of the other users is there, each one on its own.
    const data = await verifyAnswers(stack.gatewayUrl, users.slice(1));
    expect(data.details).toEqual([]);
    expect(data.acknowledged).toBeGreaterThan(0);

    recordResult('faults', 'databaseOutage', {
      outageMs: restartedAt - stoppedAt,
      requests: samples.length + bulkSaves.length,
      requestsDuringOutage: during.length,
      status503DuringOutage: during.filter((s) => s.status === 503).length,
      status409AroundOutage: samples.filter((s) => s.status === 409).length,
      slowestDuringOutageMs: Math.round(Math.max(0, ...during.map((s) => s.ms))),
      errorWindow: errorWindow(samples),
      healthyAfterRestartMs: healthyMs,
      killedWith: 'SIGKILL',
      savesOnWireAtKill: onWireAtKill.map((save) => save.status),
      killRounds,
      bulkWrites: bulkSaves.length,
      bulkWritesAcknowledged: ackedBulk.length,
      bulkWriteStored: storedSave!.seq,
      clientReplacements: databaseLines.filter((line) => /replacing the client/.test(line)).length,
      unexpectedErrors,
      saves: data,
    });
  }, 240_000 + KILL_ROUNDS * RECOVERY_LIMIT_MS);
});

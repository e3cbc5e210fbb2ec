import { z } from 'zod';
import { fillStack } from '../../bench/support/fill';
import { createUsers, REALISTIC_MIX, startTraffic, summarize, verifyAnswers, stopAllTraffic, type Operation } from '../../bench/load/traffic';
import type { TestStack } from '../support/stack';
import { describeSamples, recordResult } from './support/fault-helpers';
import { FULL, startSystemStack } from './support/system-stack';

/** Short form in the default run; the numbers for docs/reliability.md come from the full one (50 users × 60 s). */
const USERS = Number(process.env.LOAD_USERS ?? (FULL ? 50 : 10));
const DURATION_MS = Number(process.env.LOAD_SECONDS ?? (FULL ? 60 : 10)) * 1000;
/**
 * A user waits between actions (0.25–0.75 s at the default 500 ms: faster than anyone types); LOAD_THINK_MS=0
 * turns the users into a closed-loop stress test (see docs/reliability.md for what that shows).
 */
const THINK_MS = Number(process.env.LOAD_THINK_MS ?? 500);
/** LOAD_MIX overrides weights of the realistic mix, e.g. `{"requestPdf":0,"pollJob":0}`: the same load without PDFs. */
const mixSchema = z.partialRecord(z.enum(Object.keys(REALISTIC_MIX) as [Operation, ...Operation[]]), z.number().min(0));
const parsedMix = mixSchema.safeParse(JSON.parse(process.env.LOAD_MIX ?? '{}'));
if (!parsedMix.success) throw new Error(`LOAD_MIX: ${z.prettifyError(parsedMix.error)}`);
const MIX = parsedMix.data;
/**
 * 429 is back-pressure for a moment of overload, not a way to refuse the load this test calls normal: at most
 * this share of any route's requests (LOAD_MAX_429_SHARE overrides it to measure a heavier load).
 */
const MAX_429_SHARE = Number(process.env.LOAD_MAX_429_SHARE ?? 0.01);
/** LOAD_FILL_PROJECTS=1000 first fills the database to 1,000 projects × 100 answers (bench/support/fill.ts). */
const FILL_PROJECTS = Number(process.env.LOAD_FILL_PROJECTS ?? 0);

describe(`load: ${USERS} concurrent users for ${DURATION_MS / 1000} s, realistic mix, ${THINK_MS} ms think time`, () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The default limits, as production runs them: behind one trusted proxy hop, each user from its own address.
    stack = await startSystemStack({ env: { TRUSTED_PROXY_HOPS: '1' } });
    if (FILL_PROJECTS > 0) {
      const filled = await fillStack(stack, FILL_PROJECTS);
      process.stdout.write(`filled to ${FILL_PROJECTS} projects × 100 answers in ${(filled.ms / 1000).toFixed(1)} s\n`);
    }
  }, 300_000);
  afterAll(async () => {
    await stopAllTraffic();
    await stack?.stop();
  }, 60_000);

  it('answers every request without a 5xx, refuses at most 1 % of any route with 429, and stores every acknowledged save', async () => {
    const users = await createUsers(stack.gatewayUrl, USERS);
    const samples = await startTraffic({ baseUrl: stack.gatewayUrl, users, durationMs: DURATION_MS, thinkMs: THINK_MS, timeoutMs: 30_000, mix: MIX }).done;
    const summary = summarize(samples);
    const data = await verifyAnswers(stack.gatewayUrl, users);
    recordResult('load', `${USERS}users-${DURATION_MS / 1000}s-think${THINK_MS}ms${Object.keys(MIX).length > 0 ? `-mix${JSON.stringify(MIX)}` : ''}${FILL_PROJECTS > 0 ? `-filled${FILL_PROJECTS}` : ''}`, {
      thinkMs: THINK_MS,
      filledProjects: FILL_PROJECTS,
      mix: MIX,
      users: USERS,
      seconds: DURATION_MS / 1000,
      total: summary.total,
      rps: summary.rps,
      fivexx: summary.fivexx,
      networkErrors: summary.networkErrors,
      status429: samples.filter((s) => s.status === 429).length,
      routes: summary.routes,
      saves: data,
    });
    process.stdout.write(`${JSON.stringify(summary.routes, null, 1)}\n`);
    expect(summary.total).toBeGreaterThan(USERS * 5);
    expect(summary.fivexx).toBe(0);
    expect(summary.networkErrors).toBe(0);
    expect(describeSamples(summary.unexpected.slice(0, 20))).toBe('');
    expect(data.details).toEqual([]);
    // At most 1 % of a route's requests (at least one request, so a short run is not failed by a single 429).
    const overCap = summary.routes.filter(({ count, statuses }) => (statuses['429'] ?? 0) > Math.max(1, Math.floor(count * MAX_429_SHARE)));
    expect(overCap.map(({ route, statuses }) => `${route}: ${JSON.stringify(statuses)}`)).toEqual([]);
    // Every user got work done: a user whose every save was refused would hide a server that stores nothing.
    expect(users.filter((user) => !user.saves.some((save) => save.outcome === 'acked')).map((user) => `user ${user.index}: ${user.saves.map((save) => save.status).join(',')}`)).toEqual([]);
  }, 60_000 + DURATION_MS * 3);
});

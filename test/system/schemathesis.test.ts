import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestStack } from '../support/stack';
import { ApiClient } from './support/api-client';
import { collectErrorLines, recordResult, waitAllReady, writeResultLog } from './support/fault-helpers';
import { FULL, startSystemStack } from './support/system-stack';

/**
 * The OpenAPI document driven by schemathesis (PyPI, installed into .bin/ by scripts/schemathesis.sh) against
 * the running gateway with a signed-in user: zero 5xx and zero schema violations. A few hundred generated
 * requests in the default run; at least 2,000 in the full one (SYSTEM_FULL=1).
 */
const ROOT = resolve(__dirname, '../..');
const EXAMPLES_PER_OPERATION = Number(process.env.SCHEMATHESIS_EXAMPLES ?? (FULL ? 140 : 8));
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance', 'response_headers_conformance'];

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

describe('schemathesis against the OpenAPI document', () => {
  let stack: TestStack;
  /** The services' error lines (a 500 is logged with its cause), kept in .bin/system-results/schemathesis-errors.log. */
  const errors = collectErrorLines(50);
  beforeAll(async () => {
    // Fuzzing hundreds of requests a minute from one user and one address is not abuse to throttle here.
    // POST /api/generate-pdf waits for its render up to PDF_SYNC_LIMIT_MS, then answers 202 with the job; a
    // shorter limit than schemathesis' request timeout keeps a busy machine from turning a wait into an error.
    stack = await startSystemStack({ load: true, env: { PDF_SYNC_LIMIT_MS: '20000' }, onOutput: errors.onOutput });
  }, 120_000);
  afterAll(async () => {
    writeResultLog('schemathesis-errors.log', errors.lines);
    await stack?.stop();
  }, 60_000);

  it('finds no 5xx and no answer that breaks the documented schema', async () => {
    const api = new ApiClient(stack.gatewayUrl);
    const session = await api.register('fuzz');
    const reportDir = join(ROOT, '.bin/system-results', `schemathesis-${FULL ? 'full' : 'short'}`);
    const fuzz = () => {
      rmSync(reportDir, { recursive: true, force: true });
      mkdirSync(reportDir, { recursive: true });
      return run(
        'bash',
        [
          'scripts/schemathesis.sh',
          'run',
          `${stack.gatewayUrl}/api/openapi.json`,
          '--url',
          stack.gatewayUrl,
          '--header',
          `Authorization: Bearer ${session.accessToken}`,
          '--checks',
          CHECKS.join(','),
          '--max-examples',
          String(EXAMPLES_PER_OPERATION),
          '--phases',
          'examples,coverage,fuzzing',
          '--workers',
          '2',
          '--seed',
          '8',
          '--request-timeout',
          '60',
          '--suppress-health-check',
          'all',
          '--generation-database',
          'none',
          // Deleting the fuzzing user's own account would turn the rest of the run into 401s.
          '--exclude-method',
          'DELETE',
          '--exclude-path',
          '/api/auth/me',
          // A valid request opens an event stream that never ends by itself (each would wait out the request
          // timeout); gateway/test/live-events.test.ts tests the route.
          '--exclude-path',
          '/api/events',
          '--report',
          'junit,ndjson',
          '--report-dir',
          reportDir,
          '--no-color',
        ],
        FULL ? 1_500_000 : 240_000,
      );
    };
    let { code, output } = await fuzz();
    // Schemathesis itself crashing in its test generator (seen once: CPython's "SystemError: AST constructor
    // recursion depth mismatch", with no failure found and no service error) is not a finding: run once more,
    // and that run must be clean.
    if (code !== 0 && /Runtime Error/.test(output) && !/\d+ failures?\b/.test(output) && errors.lines.length === 0) ({ code, output } = await fuzz());
    // One recorded interaction (request and answer) per generated test case.
    const ndjson = readdirSync(reportDir).filter((name) => name.endsWith('.ndjson')).map((name) => readFileSync(join(reportDir, name), 'utf8')).join('\n');
    const requests = (ndjson.match(/"status_code":/g) ?? []).length;
    const fivexx = (ndjson.match(/"status_code":\s*5\d\d/g) ?? []).length;
    const summary = output.split('\n').filter((line) => /generated|passed|failed|errored|Selected|Tested/i.test(line)).map((line) => line.trim()).slice(-8);
    const statuses: Record<string, number> = {};
    for (const match of ndjson.matchAll(/"status_code":\s*(\d+)/g)) statuses[match[1]!] = (statuses[match[1]!] ?? 0) + 1;
    recordResult('hostile', `schemathesis-${FULL ? 'full' : 'short'}`, { examplesPerOperation: EXAMPLES_PER_OPERATION, requests, fivexx, statuses, exitCode: code, summary });
    expect({ code, tail: code === 0 ? '' : output.slice(-6000), serviceErrors: code === 0 ? [] : errors.lines.slice(0, 10) }).toEqual({ code: 0, tail: '', serviceErrors: [] });
    expect(fivexx).toBe(0);
    expect(requests).toBeGreaterThanOrEqual(FULL ? 2000 : 200);
    expect(await waitAllReady(stack, 10_000)).toBeDefined();
  }, FULL ? 1_600_000 : 300_000);
});

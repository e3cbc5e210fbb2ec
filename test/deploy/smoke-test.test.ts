import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { startStack, type TestStack } from '../support/stack';
import { CHART_DIR } from './support/helm';

/** The chart's `helm test` script (helm/playbook/files/smoke-test.mjs), run against the stack as processes. */
const SCRIPT = resolve(CHART_DIR, 'files/smoke-test.mjs');

interface Run { code: number | null; output: string }

function runSmokeTest(gatewayUrl: string): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [SCRIPT, gatewayUrl], { env: { PATH: process.env.PATH, SMOKE_TEST_PDF_TIMEOUT_MS: '90000' }, timeout: 150_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: stdout + stderr });
    });
  });
}

describe('the helm test script against the local stack', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('checks health, renders a throwaway account\'s project as a PDF through the gateway and deletes the account', async () => {
    const run = await runSmokeTest(stack.gatewayUrl);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringMatching(/render the PDF ok \([1-9]\d* pages, [1-9]\d* bytes\)/) });
    const steps = [...run.output.matchAll(/^smoke-test: (.+?) ok/gm)].map((match) => match[1]);
    expect(steps).toEqual(['health', 'register', 'create a project', 'save an answer', 'render the PDF', 'delete the account']);
  }, 180_000);

  it('fails at the health step, before it creates an account, when a service is down', async () => {
    await stack.stopService('pdf-service');
    const run = await runSmokeTest(stack.gatewayUrl);
    expect({ code: run.code, output: run.output }).toEqual({ code: 1, output: expect.stringMatching(/^smoke-test: FAILED: health: GET \/api\/health answered 503: .*"pdf":"fail"/m) });
    expect(run.output).not.toContain('register ok');
  }, 180_000);
});

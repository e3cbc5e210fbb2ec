// The chart's `helm test` (templates/tests/smoke-test.yaml), also run against a local stack:
//   node helm/playbook/files/smoke-test.mjs [gateway URL]   (default $GATEWAY_URL, else http://localhost:8080)
// Through the gateway only: health, then a throwaway account registers, creates a project, saves an answer,
// renders the project's PDF and downloads it, and is deleted again (with its data) whatever happened.
// Plain Node (fetch), no dependencies: it runs in the gateway's image. Exits 1 with the failed step.
import { randomBytes } from 'node:crypto';

const gateway = (process.argv[2] ?? process.env.GATEWAY_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const pdfTimeoutMs = Number(process.env.SMOKE_TEST_PDF_TIMEOUT_MS ?? 120_000);
const started = Date.now();

function log(step, detail = '') {
  console.log(`smoke-test: ${step} ok${detail ? ` (${detail})` : ''} after ${Date.now() - started} ms`);
}

/** One request; the body of the expected answer, or an error naming the step, the status and the body. */
async function call(step, method, path, { token, body, expect = [200], binary = false } = {}) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!expect.includes(response.status)) throw new Error(`${step}: ${method} ${path} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  if (binary) return { type: response.headers.get('content-type') ?? '', bytes: Buffer.from(await response.arrayBuffer()) };
  return response.status === 204 ? undefined : response.json();
}

async function renderPdf(token, projectId) {
  let job = await call('start the PDF', 'POST', `/api/projects/${projectId}/pdf`, { token, expect: [200, 202] });
  const deadline = Date.now() + pdfTimeoutMs;
  while (job.status === 'queued' || job.status === 'rendering') {
    if (Date.now() > deadline) throw new Error(`render the PDF: job ${job.jobId} still ${job.status} after ${pdfTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    job = await call('poll the PDF job', 'GET', `/api/pdf/jobs/${job.jobId}`, { token });
  }
  if (job.status !== 'done') throw new Error(`render the PDF: job ${job.jobId} ${job.status}: ${job.error ?? ''}`);
  const file = await call('download the PDF', 'GET', `/api/pdf/jobs/${job.jobId}/file`, { token, binary: true });
  if (!file.type.startsWith('application/pdf') || file.bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new Error(`download the PDF: got ${file.type}, starting ${JSON.stringify(file.bytes.subarray(0, 16).toString('latin1'))}`);
  }
  return `${job.pages} pages, ${file.bytes.length} bytes`;
}

async function main() {
  const health = await call('health', 'GET', '/api/health');
  log('health', health.status);
  const password = randomBytes(18).toString('base64url');
  const email = `smoke-test-${randomBytes(6).toString('hex')}@example.com`;
  const session = await call('register', 'POST', '/api/auth/register', { body: { email, password, name: 'helm test' }, expect: [201] });
  const token = session.accessToken;
  log('register', email);
  const failure = await useAccount(token).then(() => undefined, (error) => error);
  await call('delete the account', 'DELETE', '/api/auth/me', { token, body: { password }, expect: [204] });
  log('delete the account');
  if (failure) throw failure;
}

/** What a user does with the account; resolves to nothing, or rejects with the first failed step. */
async function useAccount(token) {
  const project = await call('create a project', 'POST', '/api/projects', { token, body: { name: 'Smoke test' }, expect: [201] });
  log('create a project', project.id);
  const catalog = await call('read the playbook', 'GET', '/api/playbook');
  const fieldId = catalog.phases[0].sections[0].fields[0].id;
  await call('save an answer', 'PUT', `/api/projects/${project.id}/responses`, { token, body: { responses: [{ fieldId, value: 'Checked by helm test.' }] } });
  log('save an answer', fieldId);
  log('render the PDF', await renderPdf(token, project.id));
}

main().catch((error) => {
  console.error(`smoke-test: FAILED: ${error.message}`);
  process.exit(1);
});

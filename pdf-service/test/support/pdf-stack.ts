import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger, loadConfig } from '@playbook/kit';
import { PDF_OBJECT_STORE, REVOCATION_FEED } from '@playbook/contract';
import { connectNats, ensureRevocationStream, type NatsHandle } from '@playbook/kit/nats';
import { projectConfigSchema } from '../../../project-service/src/config';
import { startProjectService } from '../../../project-service/src/main';
import { assertNoViolations, startNatsServer, type TestNatsServer } from '../../../test/support/nats-server';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../../test/support/test-env';
import { createTestTokenIssuer } from '../../../test/support/test-tokens';
import { serveTestUserDirectory } from '../../../test/support/test-user-directory';
import { pdfConfigSchema } from '../../src/config';
import { startPdfService, type PdfServiceHandle } from '../../src/main';

const run = promisify(execFile);

/**
 * A real stack for pdf-service tests: its own NATS server, the real project-service (writes projects
 * over HTTP), pdf-service with real Chromium, and signed tokens. Both services share one database name.
 */
export async function startPdfStack(pdfEnv: Record<string, string> = {}) {
  const natsServer: TestNatsServer = await startNatsServer();
  const dbName = uniqueDbName('pdf');
  const baseEnv = { NODE_ENV: 'test', MONGO_URL: testMongoUrl(), PORT: '0', LOG_LEVEL: 'debug' };
  const quiet = createLogger({ service: 'test', level: 'error' });
  const nats: NatsHandle = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'pdf-test', logger: quiet });
  const tokens = await createTestTokenIssuer(nats);
  // Adding project members looks emails up: `<userId>@example.com` is an account, as auth-service would answer.
  const accounts = await serveTestUserDirectory(nats);
  const projects = await startProjectService(loadConfig(projectConfigSchema, { ...baseEnv, ...natsServer.env('project-service'), MONGO_DB: `${dbName}_projects`, LOG_LEVEL: 'error' }), quiet);
  const logs = createCapturingLogger('pdf-service');
  const pdfEnvFull = { ...baseEnv, ...natsServer.env('pdf-service'), MONGO_DB: dbName, PDF_PAGE_POOL_SIZE: '2', ...pdfEnv };
  const pdf: PdfServiceHandle = await startPdfService(loadConfig(pdfConfigSchema, pdfEnvFull), logs.logger);
  // What auth-service creates in the stack: the stream the verifiers read revocations from.
  await ensureRevocationStream(nats, REVOCATION_FEED);

  const call = async (base: string, method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });

  return {
    natsServer,
    nats,
    dbName,
    pdfEnv: pdfEnvFull,
    pdf,
    logs,
    tokenFor: (userId: string) => tokens.tokenFor(userId),
    projectsApi: (method: string, path: string, token: string, body?: unknown) => call(projects.url, method, path, token, body),
    pdfApi: (method: string, path: string, token?: string, body?: unknown) => call(pdf.url, method, path, token, body),
    /** Creates a project with answers through project-service, as the frontend would. */
    async createProject(token: string, name: string, responses: Array<{ fieldId: string; value: string }>, description = 'A test project'): Promise<string> {
      const created = await call(projects.url, 'POST', '/api/projects', token, { name, description });
      if (created.status !== 201) throw new Error(`creating a project failed: ${created.status} ${await created.text()}`);
      const { id } = (await created.json()) as { id: string };
      if (responses.length > 0) await this.saveAnswers(token, id, responses);
      return id;
    },
    async saveAnswers(token: string, projectId: string, responses: Array<{ fieldId: string; value: string }>): Promise<void> {
      const saved = await call(projects.url, 'PUT', `/api/projects/${projectId}/responses`, token, { responses });
      if (saved.status !== 200) throw new Error(`saving answers failed: ${saved.status} ${await saved.text()}`);
    },
    /** How many PDFs of this project the object store holds. */
    async storedPdfCount(projectId: string): Promise<number> {
      const store = await nats.connection.jetstream().views.os(PDF_OBJECT_STORE);
      return (await store.list()).filter((info) => !info.deleted && info.metadata?.projectId === projectId).length;
    },
    async stop(): Promise<void> {
      await pdf.stop();
      await projects.stop();
      tokens.stop();
      await accounts.stop();
      await nats.drain();
      const violations = natsServer.violations();
      await natsServer.destroy();
      assertNoViolations(violations);
    },
  };
}
export type PdfStack = Awaited<ReturnType<typeof startPdfStack>>;

/** pdftotext's text with bidi marks removed and whitespace collapsed, and pdfinfo's fields. */
export async function inspectPdf(pdf: Uint8Array): Promise<{ text: string; info: Record<string, string>; raw: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pdf-inspect-'));
  try {
    const file = join(dir, 'doc.pdf');
    await writeFile(file, pdf);
    const { stdout: text } = await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
    const { stdout: infoText } = await run('pdfinfo', [file]);
    const info = Object.fromEntries(infoText.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]));
    return { text: normalizeText(text), info, raw: Buffer.from(pdf).toString('latin1') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const normalizeText = (text: string) => text.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ');

/** The words of an answer, stripped of the brackets and punctuation that bidi reordering moves around. */
export const wordsOf = (value: string) =>
  value
    .split(/\s+/)
    .map((word) => word.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter((word) => word.length > 0);

/** Polls `check` (bounded) until it returns a value. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

import { randomBytes } from 'node:crypto';
import { listPlaybookFields } from '@playbook/contract';
import { http, jsonOf, type HttpOptions, type HttpResult } from './http-client';
import { playbookCatalog } from '../../../project-service/src/domain/playbook-catalog';

/** Every playbook field id, in catalog order. */
export const FIELD_IDS: string[] = listPlaybookFields(playbookCatalog).map((located) => located.field.id);

export interface Session {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface PdfJob {
  jobId: string;
  projectId: string;
  status: 'queued' | 'rendering' | 'done' | 'failed';
  error?: string;
  fileUrl?: string;
  pages?: number;
  bytes?: number;
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomBytes(6).toString('hex')}@example.com`;
/** Passes the zxcvbn policy (score 3) and the 12–128 length rule. */
export const strongPassword = () => `Tulip-Harbor-${randomBytes(6).toString('hex')}-Quartz!`;

/** A thin client of the public API through the gateway, as the frontend uses it. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  call(method: string, path: string, options: HttpOptions & { token?: string } = {}): Promise<HttpResult> {
    const headers = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    return http(method, `${this.baseUrl}${path}`, { ...options, headers });
  }

  /** Registers a new user (from `clientAddress`, when given, as the ingress would forward it) and returns its session; throws with the answer when that fails. */
  async register(tag = 'user', clientAddress?: string): Promise<Session> {
    const email = uniqueEmail(tag);
    const password = strongPassword();
    const headers = clientAddress ? { 'x-forwarded-for': clientAddress } : undefined;
    const result = await this.call('POST', '/api/auth/register', { body: { email, password, name: `System ${tag}` }, headers });
    const body = expectStatus(result, 201, 'register') as { user: { id: string }; accessToken: string; refreshToken: string };
    return { userId: body.user.id, email, password, accessToken: body.accessToken, refreshToken: body.refreshToken };
  }

  async createProject(session: Session, name = `Project ${randomBytes(3).toString('hex')}`, description = 'Made by the system suite'): Promise<string> {
    const result = await this.call('POST', '/api/projects', { token: session.accessToken, body: { name, description } });
    return (expectStatus(result, 201, 'create project') as { id: string }).id;
  }

  putResponses(session: Session, projectId: string, responses: Array<{ fieldId: string; value: string }>): Promise<HttpResult> {
    return this.call('PUT', `/api/projects/${projectId}/responses`, { token: session.accessToken, body: { responses } });
  }

  /**
   * Saves answers as a test's setup step, repeating the save while the service sheds load (409/429) or the
   * gateway gives up waiting (503/504): a save is idempotent, and a saturated machine can make one outlast
   * the gateway's 10 s. Throws on any other answer, or after `timeoutMs`.
   */
  async saveAnswers(session: Session, projectId: string, responses: Array<{ fieldId: string; value: string }>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.putResponses(session, projectId, responses);
      if (result.status === 200) return;
      if (![409, 429, 503, 504].includes(result.status) || Date.now() > deadline) throw unexpected(result, 'save answers', 200);
      await sleep(500);
    }
  }

  async readResponses(session: Session, projectId: string): Promise<Array<{ fieldId: string; value: string }>> {
    const result = await this.call('GET', `/api/projects/${projectId}/responses`, { token: session.accessToken });
    return (expectStatus(result, 200, 'read responses') as { items: Array<{ fieldId: string; value: string }> }).items;
  }

  /** Starts a render; 202 (queued) or 200 (cached) both give the job. */
  async requestPdf(session: Session, projectId: string): Promise<PdfJob> {
    const result = await this.call('POST', `/api/projects/${projectId}/pdf`, { token: session.accessToken });
    if (result.status !== 202 && result.status !== 200) throw unexpected(result, 'request pdf');
    return jsonOf<PdfJob>(result)!;
  }

  async job(session: Session, jobId: string): Promise<PdfJob> {
    const result = await this.call('GET', `/api/pdf/jobs/${jobId}`, { token: session.accessToken });
    return expectStatus(result, 200, 'read job') as PdfJob;
  }

  /** Polls a job until it is done or failed, or fails the test after `timeoutMs`. */
  async waitForJob(session: Session, jobId: string, timeoutMs: number): Promise<PdfJob> {
    const deadline = Date.now() + timeoutMs;
    let last: PdfJob | string = 'no answer';
    while (Date.now() < deadline) {
      const result = await this.call('GET', `/api/pdf/jobs/${jobId}`, { token: session.accessToken, timeoutMs: 5_000 });
      if (result.status === 200) {
        last = jsonOf<PdfJob>(result)!;
        if (last.status === 'done' || last.status === 'failed') return last;
      } else last = `${result.status} ${result.error ?? result.text.slice(0, 200)}`;
      await sleep(250);
    }
    throw new Error(`job ${jobId} not finished after ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
  }
}

/** Fills `count` fields with `value`, in catalog order from `offset`. */
export function answers(count: number, value: (fieldId: string, index: number) => string, offset = 0) {
  return FIELD_IDS.slice(offset, offset + count).map((fieldId, index) => ({ fieldId, value: value(fieldId, index) }));
}

export function expectStatus(result: HttpResult, status: number, what: string): unknown {
  if (result.status !== status) throw unexpected(result, what, status);
  return jsonOf(result);
}

function unexpected(result: HttpResult, what: string, wanted?: number): Error {
  return new Error(`${what}: expected ${wanted ?? 'success'}, got ${result.status} ${result.error ?? ''} ${result.text.slice(0, 500)}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/api';
import { CSRF_HEADER } from './generated/names';
import { readServerSentEvents } from './server-sent-events';

/** Every event `GET /api/events` streams, as the OpenAPI document describes it: `{ event, data }`. */
export type PlaybookEvent = paths['/api/events']['get']['responses'][200]['content']['text/event-stream'];
/** A delivered event with its stream position, which resumes the stream after it. */
export type DeliveredEvent = PlaybookEvent & { id?: string };
type SignedIn = paths['/api/auth/login']['post']['responses'][200]['content']['application/json'];
type LoginBody = paths['/api/auth/login']['post']['requestBody']['content']['application/json'];
type RegisterBody = paths['/api/auth/register']['post']['requestBody']['content']['application/json'];

export interface Tokens {
  accessToken?: string;
  /** Only for `session: 'token'`: with cookie sessions the browser keeps it, out of reach of scripts. */
  refreshToken?: string;
}

export interface PlaybookClientOptions {
  /** Where the gateway answers, e.g. `https://playbook.example.com` (the paths start with /api). */
  baseUrl: string;
  /**
   * `cookie` (browsers): the refresh token lives in an HttpOnly cookie and never reaches this code. `token`
   * (the default; servers, scripts, tests): the refresh token is kept here and handed to `onTokens`.
   */
  session?: 'token' | 'cookie';
  /** Tokens from an earlier run (token sessions), e.g. read back from where `onTokens` stored them. */
  tokens?: Tokens;
  /** Called whenever the tokens change (sign-in, refresh, sign-out); undefined fields mean signed out. */
  onTokens?: (tokens: Tokens) => void;
  /** Answers 429 or 503 with Retry-After are retried this often (default 2) ... */
  maxRetries?: number;
  /** ... when the wait they ask for is at most this long (default 10 s); a longer one is returned as it is. */
  maxRetryAfterSeconds?: number;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });

/** Retry-After as seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** Routes whose 401 means "wrong credentials", not "the access token expired": no refresh for them. */
const SIGN_IN_PATHS = /\/api\/auth\/(login|register|refresh)$/;

/**
 * A client of the Playbook API. `api` is an openapi-fetch client typed by the generated `paths`: every route,
 * body, parameter (`If-Match` included) and answer as the OpenAPI document states them. Around every call it
 * sends the access token, refreshes it once when an answer says 401 (one refresh at a time, however many calls
 * are waiting), and waits out 429/503 with Retry-After. `events()` follows the live event stream.
 */
export function createPlaybookClient(options: PlaybookClientOptions) {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const mode = options.session ?? 'token';
  const maxRetries = options.maxRetries ?? 2;
  const maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 10;
  const credentials: RequestInit['credentials'] = mode === 'cookie' ? 'include' : 'same-origin';
  let tokens: Tokens = { ...options.tokens };
  let refreshing: Promise<boolean> | undefined;

  const setTokens = (next: Tokens) => {
    tokens = next;
    options.onTokens?.({ ...tokens });
  };
  const url = (path: string) => new URL(path, options.baseUrl).toString();

  async function postAuth(path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    return baseFetch(url(path), { method: 'POST', credentials, headers: { 'content-type': 'application/json', ...extraHeaders }, body: JSON.stringify(body) });
  }

  async function refreshNow(): Promise<boolean> {
    if (mode === 'token' && !tokens.refreshToken) return false;
    const response =
      mode === 'cookie'
        ? await postAuth('/api/auth/refresh', { session: 'cookie' }, { [CSRF_HEADER]: '1' })
        : await postAuth('/api/auth/refresh', { refreshToken: tokens.refreshToken });
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status === 401) setTokens({});
      return false;
    }
    const session = (await response.json()) as SignedIn;
    setTokens({ accessToken: session.accessToken, refreshToken: 'refreshToken' in session ? session.refreshToken : undefined });
    return true;
  }
  /** One refresh at a time: calls that hit 401 together wait for the same one. */
  const refresh = () => (refreshing ??= refreshNow().finally(() => (refreshing = undefined)));

  /** What openapi-fetch sends through: token, one refresh on 401, Retry-After. */
  async function send(request: Request): Promise<Response> {
    const attempt = () => {
      const copy = request.clone();
      if (tokens.accessToken && !copy.headers.has('authorization')) copy.headers.set('authorization', `Bearer ${tokens.accessToken}`);
      return baseFetch(copy);
    };
    let response = await attempt();
    if (response.status === 401 && !request.headers.has('authorization') && !SIGN_IN_PATHS.test(new URL(request.url).pathname) && (await refresh())) {
      await response.body?.cancel();
      response = await attempt();
    }
    for (let retry = 0; retry < maxRetries && (response.status === 429 || response.status === 503); retry++) {
      const wait = retryAfterSeconds(response);
      if (wait === undefined || wait > maxRetryAfterSeconds) break;
      await response.body?.cancel();
      await sleep(wait * 1000, request.signal);
      response = await attempt();
    }
    return response;
  }

  const api: Client<paths> = createClient<paths>({ baseUrl: options.baseUrl, fetch: send, credentials });

  async function signedIn(response: Response): Promise<SignedIn> {
    const answer = (await response.json()) as SignedIn & { detail?: string };
    if (!response.ok) throw Object.assign(new Error(answer.detail ?? `HTTP ${response.status}`), { status: response.status, problem: answer });
    setTokens({ accessToken: answer.accessToken, refreshToken: 'refreshToken' in answer ? answer.refreshToken : undefined });
    return answer;
  }

  return {
    api,
    /** The current access token (for a download link, say), or undefined when signed out. */
    accessToken: () => tokens.accessToken,
    /** Signs in; throws with the problem details (`status`, `problem`) when refused. */
    signIn: async (email: string, password: string) =>
      signedIn(await postAuth('/api/auth/login', { email, password, ...(mode === 'cookie' ? { session: 'cookie' } : {}) } satisfies LoginBody)),
    /** Creates the account and signs in. */
    register: async (input: Omit<RegisterBody, 'session'>) =>
      signedIn(await postAuth('/api/auth/register', { ...input, ...(mode === 'cookie' ? { session: 'cookie' } : {}) } satisfies RegisterBody)),
    /** Trades the refresh token (or cookie) for a new access token now; false when the login has ended. */
    refresh,
    /** Ends the login everywhere (every token of it), and forgets the tokens. */
    async signOut(): Promise<void> {
      const body = mode === 'cookie' ? { session: 'cookie' as const } : { refreshToken: tokens.refreshToken ?? '' };
      const extra: Record<string, string> = { ...(tokens.accessToken ? { authorization: `Bearer ${tokens.accessToken}` } : {}), ...(mode === 'cookie' ? { [CSRF_HEADER]: '1' } : {}) };
      const response = await postAuth('/api/auth/logout', body, extra);
      await response.body?.cancel();
      setTokens({});
    },
    /**
     * The caller's live events, as an async iterator, until `signal` aborts or the login ends. A dropped or
     * closed stream is reopened after the server's `retry:` hint with `Last-Event-ID`, so no event in between
     * is lost; an expired access token is refreshed first. `stream.resync` says events were missed beyond
     * what the server keeps: reload what the page shows.
     */
    async *events({ signal, lastEventId }: { signal?: AbortSignal; lastEventId?: string } = {}): AsyncGenerator<DeliveredEvent> {
      let resumeAfter = lastEventId;
      let retryMs = 1000;
      let failures = 0;
      while (!signal?.aborted) {
        let response: Response | undefined;
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream', ...(resumeAfter ? { 'last-event-id': resumeAfter } : {}) };
          if (tokens.accessToken) headers.authorization = `Bearer ${tokens.accessToken}`;
          response = await baseFetch(url('/api/events'), { headers, credentials, signal });
          if (response.status === 401 && (await refresh())) continue;
          if (!response.ok || !response.body) {
            const status = response.status;
            await response.body?.cancel();
            if (status === 401) return; // signed out: nothing to follow
            throw new Error(`GET /api/events answered ${status}`);
          }
          failures = 0;
          let sessionEnded = false;
          for await (const message of readServerSentEvents(response.body, (ms) => (retryMs = ms))) {
            if (message.id) resumeAfter = message.id;
            const event = { id: message.id, event: message.event, data: JSON.parse(message.data) } as DeliveredEvent;
            if (event.event === 'stream.closing' && (event.data as { reason?: string }).reason === 'session-ended') sessionEnded = true;
            yield event;
          }
          if (sessionEnded && !(await refresh())) return;
        } catch {
          if (signal?.aborted) return;
          // The stream broke or the gateway is unreachable: try again, backing off to at most 30 s.
          failures += 1;
          await sleep(Math.min(30_000, retryMs * 2 ** Math.min(failures - 1, 5)), signal).catch(() => undefined);
          continue;
        }
        await sleep(retryMs, signal).catch(() => undefined);
      }
    },
  };
}

export type PlaybookClient = ReturnType<typeof createPlaybookClient>;

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CSRF_HEADER } from '@playbook/contract';

/**
 * The smallest frontend that uses the API the way a browser app does: a browser session (the refresh token in an
 * HttpOnly cookie it never sees), the live events through EventSource with a ticket, and plain fetch. Its
 * functions are called by the test through puppeteer; what arrives on the stream collects in `window.received`.
 */
const pageScript = `
const API = new URLSearchParams(location.search).get('api');
let accessToken;
window.received = [];
const call = async (method, path, body, extraHeaders = {}) => {
  const headers = { ...extraHeaders, ...(accessToken ? { authorization: 'Bearer ' + accessToken } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
  const response = await fetch(API + path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'include' });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};
window.signIn = async (email, password) => {
  const answer = await call('POST', '/api/auth/login', { email, password, session: 'cookie' });
  accessToken = answer.body.accessToken;
  return { status: answer.status, keys: Object.keys(answer.body).sort(), cookiesScriptsSee: document.cookie };
};
window.refreshFromCookie = async () => {
  const before = accessToken;
  const answer = await call('POST', '/api/auth/refresh', { session: 'cookie' }, { ${JSON.stringify(CSRF_HEADER)}: '1' });
  if (answer.status === 200) accessToken = answer.body.accessToken;
  return { status: answer.status, keys: answer.body ? Object.keys(answer.body).sort() : [], newToken: accessToken !== before };
};
window.openEvents = async () => {
  const { body } = await call('POST', '/api/events/ticket');
  const source = new EventSource(API + '/api/events?ticket=' + encodeURIComponent(body.ticket));
  for (const name of ['pdf.job', 'project.updated', 'project.membership']) {
    source.addEventListener(name, (event) => window.received.push({ event: name, id: event.lastEventId, data: JSON.parse(event.data) }));
  }
  await new Promise((resolve, reject) => { source.onopen = resolve; source.onerror = reject; });
  window.eventSource = source;
};
window.call = call;
`;

export interface TestPage {
  /** The page's origin, for CORS_ORIGINS. */
  origin: string;
  /** The page, talking to the API at `apiUrl`. */
  urlFor(apiUrl: string): string;
  close(): Promise<void>;
}

/**
 * Serves the page on localhost: a secure context, where Chromium keeps Secure cookies without TLS, and the same
 * site as an API on localhost at another port, as an app and its API under one domain are.
 */
export async function serveTestPage(): Promise<TestPage> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Playbook test page</title></head><body><script>${pageScript}</script></body></html>`;
  const server: Server = createServer((request, response) => {
    if (!request.url?.startsWith('/?')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    urlFor: (apiUrl) => `${origin}/?api=${encodeURIComponent(apiUrl)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

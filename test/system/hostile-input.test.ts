import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '@playbook/kit';
import type { TestStack } from '../support/stack';
import { answers, ApiClient, strongPassword, uniqueEmail, type Session } from './support/api-client';
import { recordResult, waitAllReady } from './support/fault-helpers';
import { jsonOf, type HttpResult } from './support/http-client';
import { startSystemStack } from './support/system-stack';

/**
 * Explicit attacks through the gateway (docs/reliability.md, "Hostile input"), against the whole stack with its default
 * limits except a known signing key (so the test can forge expired and wrong-audience tokens with the real key)
 * and a small per-IP login failure limit (so spoofed X-Forwarded-For can be shown not to reset it quickly).
 */
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SIGNING_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const LOGIN_FAILURES_PER_IP = 40;
const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Nothing of the inside may leak in an answer: stack traces, paths, driver names, internal addresses, versions. */
const LEAK = /\bat \S+ \(|node_modules|\/work\/|\/home\/|\.ts:\d+|\.js:\d+|Mongo\w*Error|mongoose|MongoServer|nats:\/\/|127\.0\.0\.1:\d+|localhost:\d+|ECONNREFUSED|koa@|express|node\/v?\d+/i;

describe('hostile input through the gateway', () => {
  let stack: TestStack;
  let api: ApiClient;
  let alice: Session;
  let bob: Session;
  let kid: string;
  const answersSeen: HttpResult[] = [];
  const counts = { requests: 0, fivexx: 0 };
  /** Every request of this suite goes through here, so the leak and 5xx checks see all of them. */
  const send = async (method: string, path: string, options: Parameters<ApiClient['call']>[2] = {}) => {
    const result = await api.call(method, path, { timeoutMs: 15_000, ...options });
    answersSeen.push(result);
    counts.requests++;
    if (result.status >= 500 || result.status === 0) counts.fivexx++;
    return result;
  };
  const as = (session: Session) => ({ authorization: `Bearer ${session.accessToken}` });

  beforeAll(async () => {
    stack = await startSystemStack({
      env: {
        JWT_PRIVATE_KEY: SIGNING_KEY_PEM.replace(/\n/g, '\\n'),
        LOGIN_MAX_FAILURES_PER_IP: String(LOGIN_FAILURES_PER_IP),
        CORS_ORIGINS: 'https://app.example.com',
      },
    });
    api = new ApiClient(stack.gatewayUrl);
    alice = await api.register('alice');
    bob = await api.register('bob');
    const jwks = jsonOf<{ keys: Array<{ kid: string }> }>(await send('GET', '/api/auth/jwks.json'));
    kid = jwks!.keys[0]!.kid;
  }, 120_000);
  afterAll(async () => {
    recordResult('hostile', 'explicit', { ...counts, checkedForLeaks: answersSeen.length });
    await stack?.stop();
  }, 60_000);

  describe('forged and unfit tokens are refused with 401', () => {
    const claims = (overrides: Record<string, unknown> = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return { sub: alice.userId, email: alice.email, iss: DEFAULT_TOKEN_ISSUER, aud: DEFAULT_TOKEN_AUDIENCE, iat: now, exp: now + 600, jti: randomUUID(), ...overrides };
    };
    const realKey = (overrides: Record<string, unknown>) => jwt.sign(claims(overrides), SIGNING_KEY_PEM, { algorithm: 'ES256', keyid: kid, header: { alg: 'ES256', typ: 'at+jwt' } });
    const tokens: Record<string, () => string> = {
      'alg none': () => `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(claims())}.`,
      'HS256 signed with the public key': () => {
        const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
        const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(claims())}`;
        return `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
      },
      'tampered payload (sub of another user)': () => {
        const [head, , signature] = alice.accessToken.split('.');
        const payload = JSON.parse(Buffer.from(alice.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
        return `${head}.${b64url({ ...payload, sub: bob.userId, email: bob.email })}.${signature}`;
      },
      expired: () => realKey({ iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 1800 }),
      'wrong audience': () => realKey({ aud: 'some-other-api' }),
      'wrong issuer': () => realKey({ iss: 'https://evil.example.com' }),
      'signed by an unknown key': () => jwt.sign(claims(), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { algorithm: 'ES256', keyid: kid, header: { alg: 'ES256', typ: 'at+jwt' } }),
      garbage: () => 'not.a.jwt',
    };
    it.each(Object.keys(tokens).map((name) => [name]))('%s', async (name) => {
      for (const path of ['/api/projects', '/api/auth/me']) {
        const result = await send('GET', path, { headers: { authorization: `Bearer ${tokens[name]!()}` } });
        expect(`${path} ${result.status}`).toBe(`${path} 401`);
        expect(result.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });
    it('accepts the same key with fit claims (the forgeries above fail for the reason named)', async () => {
      const token = realKey({});
      const result = await send('GET', '/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
      const header = (t: string) => Buffer.from(t.split('.')[0]!, 'base64url').toString();
      expect({ status: result.status, header: header(token) }).toEqual({ status: 200, header: header(alice.accessToken) });
    });
  });

  it('revokes the whole login (token family) when a spent refresh token is replayed', async () => {
    const first = await send('POST', '/api/auth/refresh', { body: { refreshToken: alice.refreshToken } });
    expect(first.status).toBe(200);
    const next = jsonOf<{ refreshToken: string; accessToken: string }>(first)!;
    const replay = await send('POST', '/api/auth/refresh', { body: { refreshToken: alice.refreshToken } });
    expect(replay.status).toBe(401);
    const successor = await send('POST', '/api/auth/refresh', { body: { refreshToken: next.refreshToken } });
    expect(successor.status).toBe(401);
    // Alice signs in again for the rest of the suite.
    const login = await send('POST', '/api/auth/login', { body: { email: alice.email, password: alice.password } });
    expect(login.status).toBe(200);
    const session = jsonOf<{ accessToken: string; refreshToken: string }>(login)!;
    alice = { ...alice, accessToken: session.accessToken, refreshToken: session.refreshToken };
  });

  it('does not tell whether an email is registered, by answer or by median timing', async () => {
    // One after another: nine argon2 hashes at once can outlast the gateway's 10 s on a busy machine.
    const known: Session[] = [];
    for (let i = 0; i < 9; i++) known.push(await api.register('enum'));
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    const bodies = new Set<string>();
    const attempt = (email: string) => send('POST', '/api/auth/login', { body: { email, password: 'Wrong-password-123!' } });
    // Pairs side by side, known first and unknown first in turn: a busy moment of the machine slows both of a pair,
    // and whatever one request leaves for the next falls on each side alike.
    for (const [index, user] of known.entries()) {
      const a = index % 2 === 0 ? await attempt(user.email) : undefined;
      const b = await attempt(uniqueEmail('nobody'));
      const knownAnswer = a ?? (await attempt(user.email));
      expect([knownAnswer.status, b.status]).toEqual([401, 401]);
      knownTimes.push(knownAnswer.ms);
      unknownTimes.push(b.ms);
      for (const answer of [knownAnswer, b]) {
        const { traceId: _t, ...rest } = jsonOf<Record<string, unknown>>(answer)!;
        bodies.add(JSON.stringify(rest));
      }
    }
    expect([...bodies]).toHaveLength(1);
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const [k, u] = [median(knownTimes), median(unknownTimes)];
    const pairRatio = median(knownTimes.map((ms, index) => ms / unknownTimes[index]!));
    recordResult('hostile', 'enumerationTiming', { knownMedianMs: Math.round(k), unknownMedianMs: Math.round(u), medianPairRatio: Number(pairRatio.toFixed(2)) });
    // argon2 runs either way (a dummy hash for unknown emails): within a pair the two take about as long.
    expect(Math.max(pairRatio, 1 / pairRatio)).toBeLessThan(2);
  });

  it('keeps limiting login failures per account and per client while X-Forwarded-For rotates', async () => {
    const target = await api.register('target');
    const perEmail: number[] = [];
    for (let i = 0; i < 8; i++) {
      const result = await send('POST', '/api/auth/login', { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` }, body: { email: target.email, password: `Wrong-${i}-password!` } });
      perEmail.push(result.status);
      if (result.status === 429) expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(perEmail.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(perEmail.slice(6)).toEqual([429, 429]);
    // The right password is refused too while throttled: guessing on is pointless.
    expect((await send('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '198.51.100.7' }, body: { email: target.email, password: target.password } })).status).toBe(429);

    // Per client: many accounts, a new spoofed address each time; the gateway's view of the client wins.
    let throttledAt = 0;
    for (let i = 1; i <= LOGIN_FAILURES_PER_IP + 5 && !throttledAt; i++) {
      const result = await send('POST', '/api/auth/login', { headers: { 'x-forwarded-for': `198.51.100.${i}, 10.0.0.${i}` }, body: { email: uniqueEmail('spray'), password: 'Wrong-password-123!' } });
      if (result.status === 429) throttledAt = i;
      else expect(result.status).toBe(401);
    }
    expect(throttledAt).toBeGreaterThan(0);
    expect(throttledAt).toBeLessThanOrEqual(LOGIN_FAILURES_PER_IP + 1);
  }, 120_000);

  it("answers 404 for every project and job route used with another user's ids (BOLA)", async () => {
    const projectId = await api.createProject(alice, 'Alice secret project');
    expect((await api.putResponses(alice, projectId, answers(3, () => 'alice only'))).status).toBe(200);
    const job = await api.requestPdf(alice, projectId);
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/projects/${projectId}`],
      ['PATCH', `/api/projects/${projectId}`, { name: 'owned by bob' }],
      ['DELETE', `/api/projects/${projectId}`],
      ['GET', `/api/projects/${projectId}/responses`],
      ['PUT', `/api/projects/${projectId}/responses`, { responses: answers(1, () => 'bob was here') }],
      ['POST', `/api/projects/${projectId}/pdf`],
      ['GET', `/api/pdf/jobs/${job.jobId}`],
      ['GET', `/api/pdf/jobs/${job.jobId}/file`],
      ['POST', '/api/generate-pdf', { project_id: projectId }],
      ['GET', `/api/projects/${projectId}/members`],
      ['POST', `/api/projects/${projectId}/members`, { email: bob.email, role: 'editor' }],
      ['PATCH', `/api/projects/${projectId}/members/${alice.userId}`, { role: 'viewer' }],
      ['DELETE', `/api/projects/${projectId}/members/${alice.userId}`],
    ];
    for (const [method, path, body] of attempts) {
      const result = await send(method, path, { headers: as(bob), ...(body === undefined ? {} : { body }) });
      expect(`${method} ${path} ${result.status}`).toBe(`${method} ${path} 404`);
    }
    // Alice's project is untouched.
    const mine = await send('GET', `/api/projects/${projectId}`, { headers: as(alice) });
    expect(jsonOf<{ name: string }>(mine)?.name).toBe('Alice secret project');
    expect((await api.readResponses(alice, projectId)).map((item) => item.value)).toEqual(['alice only', 'alice only', 'alice only']);
    const bobsList = jsonOf<{ items: Array<{ id: string }> }>(await send('GET', '/api/projects', { headers: as(bob) }))!;
    expect(bobsList.items.map((item) => item.id)).not.toContain(projectId);
  }, 60_000);

  it('refuses mass assignment of ownerId, _id, __proto__ and role with 400, and stores nothing of it', async () => {
    const refused = (result: HttpResult) => `${result.status} ${String(result.headers['content-type']).split(';')[0]}`;
    const alicesNames = async () => jsonOf<{ items: Array<{ name: string }> }>(await send('GET', '/api/projects?limit=100', { headers: as(alice) }))!.items.map((item) => item.name);
    const hostile = `{"name":"mass","ownerId":"${bob.userId}","_id":"000000000000000000000001","id":"x","role":"admin","__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":true}}}`;
    const created = await send('POST', '/api/projects', { headers: { ...as(alice), 'content-type': 'application/json' }, body: hostile });
    expect(refused(created)).toBe('400 application/problem+json');
    expect(await alicesNames()).not.toContain('mass');
    expect(JSON.stringify(jsonOf(await send('GET', '/api/projects', { headers: as(bob) })))).not.toContain('"mass"');

    const projectId = await api.createProject(alice, 'unchanged');
    const patched = await send('PATCH', `/api/projects/${projectId}`, { headers: as(alice), body: { name: 'renamed', ownerId: bob.userId, role: 'admin' } });
    expect(refused(patched)).toBe('400 application/problem+json');
    expect(jsonOf<{ name: string }>(await send('GET', `/api/projects/${projectId}`, { headers: as(alice) }))?.name).toBe('unchanged');
    expect((await send('GET', `/api/projects/${projectId}`, { headers: as(bob) })).status).toBe(404);

    const email = uniqueEmail('mass');
    const password = strongPassword();
    const registered = await send('POST', '/api/auth/register', { body: { email, password, name: 'Mass', role: 'admin', _id: 'root', isAdmin: true } });
    expect(refused(registered)).toBe('400 application/problem+json');
    // No account was made: the email is still free.
    expect((await send('POST', '/api/auth/register', { body: { email, password, name: 'Mass' } })).status).toBe(201);
  });

  it('refuses NoSQL operators in bodies, queries and path ids with the exact validation or not-found problem', async () => {
    /** The answer without its traceId, so one comparison shows status, type, detail and the field named. */
    const problem = (result: HttpResult) => {
      const { traceId: _t, ...rest } = jsonOf<Record<string, unknown>>(result) ?? { text: result.text.slice(0, 300) };
      return { status: result.status, contentType: String(result.headers['content-type']).split(';')[0], ...rest };
    };
    const invalid = (detail: string, errors: Array<{ path: string; message: string }>) => ({ status: 400, contentType: 'application/problem+json', type: 'urn:playbook:problem:validation', title: 'Invalid request', detail, errors });
    const objectWhereString = 'Invalid input: expected string, received object';
    // Bodies: an operator object where a string is expected is refused by the body schema, naming the field.
    const bodies: Array<[string, string, unknown, ReturnType<typeof invalid>]> = [
      ['POST', '/api/auth/login', { email: { $ne: null }, password: { $ne: null } }, invalid(`Invalid request body: email: ${objectWhereString}; password: ${objectWhereString}`, [{ path: 'email', message: objectWhereString }, { path: 'password', message: objectWhereString }])],
      ['POST', '/api/auth/login', { email: alice.email, password: { $ne: null } }, invalid(`Invalid request body: password: ${objectWhereString}`, [{ path: 'password', message: objectWhereString }])],
      ['POST', '/api/auth/login', { email: { $regex: '.*' }, password: 'x' }, invalid(`Invalid request body: email: ${objectWhereString}`, [{ path: 'email', message: objectWhereString }])],
      ['POST', '/api/auth/login', { email: { $where: 'return true' }, password: 'x' }, invalid(`Invalid request body: email: ${objectWhereString}`, [{ path: 'email', message: objectWhereString }])],
      ['POST', '/api/projects', { name: { $gt: '' } }, invalid(`Invalid request body: name: ${objectWhereString}`, [{ path: 'name', message: objectWhereString }])],
      ['POST', '/api/generate-pdf', { project_id: { $ne: null } }, invalid(`Invalid request body: project_id: ${objectWhereString}`, [{ path: 'project_id', message: objectWhereString }])],
    ];
    const projectId = await api.createProject(alice);
    bodies.push(
      ['PATCH', `/api/projects/${projectId}`, { name: { $ne: null } }, invalid(`Invalid request body: name: ${objectWhereString}`, [{ path: 'name', message: objectWhereString }])],
      ['PUT', `/api/projects/${projectId}/responses`, { responses: [{ fieldId: { $ne: null }, value: 'x' }] }, invalid(`Invalid request body; nothing was saved: responses.0.fieldId: ${objectWhereString}`, [{ path: 'responses.0.fieldId', message: objectWhereString }])],
    );
    for (const [method, path, body, expected] of bodies) {
      expect({ request: `${method} ${path} ${JSON.stringify(body)}`, ...problem(await send(method, path, { headers: as(alice), body })) }).toEqual({ request: `${method} ${path} ${JSON.stringify(body)}`, ...expected });
    }
    // Query strings: the list's query schema is strict, so a bracketed operator key is an unknown key and refused.
    // (Its errors name the key with the path "(query)": an issue of the query as a whole.)
    for (const query of ['cursor[$ne]=x', 'limit[$gt]=0', '$where=sleep(1000)', 'ownerId[$ne]=x', 'filter[$where]=1', 'limit[]=1&limit[]=2']) {
      const key = decodeURIComponent(query.split('=')[0]!);
      const message = `Unrecognized key: "${key}"`;
      expect({ query, ...problem(await send('GET', `/api/projects?${query}`, { headers: as(alice) })) }).toEqual({ query, ...invalid(`Invalid query: (query): ${message}`, [{ path: '(query)', message }]) });
    }
    // Path ids: an id that is an operator in JSON is just an id that names nothing.
    const operatorId = '%7B%22%24ne%22%3A1%7D'; // {"$ne":1}
    const notFound = (detail: string) => ({ status: 404, contentType: 'application/problem+json', type: 'urn:playbook:problem:not-found', title: 'Not found', detail });
    for (const [method, path, detail] of [
      ['GET', `/api/projects/${operatorId}`, 'Project not found'],
      ['GET', `/api/projects/${encodeURIComponent('{"$ne":null}')}`, 'Project not found'],
      ['GET', `/api/projects/${operatorId}/responses`, 'Project not found'],
      ['POST', `/api/projects/${operatorId}/pdf`, 'Project not found'],
      ['GET', `/api/pdf/jobs/${operatorId}`, 'No such PDF job'],
      ['GET', `/api/pdf/jobs/${operatorId}/file`, 'No such PDF job'],
    ] as const) {
      expect({ request: `${method} ${path}`, ...problem(await send(method, path, { headers: as(alice) })) }).toEqual({ request: `${method} ${path}`, ...notFound(detail) });
    }
  });

  it('survives oversized, deep, broken and huge requests with a 4xx', async () => {
    const projectId = await api.createProject(alice);
    const big = await send('POST', '/api/projects', { headers: as(alice), body: { name: 'x', description: 'y'.repeat(2 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    const deep = await send('PUT', `/api/projects/${projectId}/responses`, { headers: { ...as(alice), 'content-type': 'application/json' }, body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` });
    expect([400, 413]).toContain(deep.status);
    const deepObject = await send('POST', '/api/projects', { headers: { ...as(alice), 'content-type': 'application/json' }, body: `{"name":"d","description":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}` });
    expect(deepObject.status).toBe(400);
    // An out-of-range page size is refused, naming the parameter (not silently clamped).
    const many = await send('GET', '/api/projects?limit=1000000', { headers: as(alice) });
    expect(`${many.status} ${many.text}`).toMatch(/^400 .*limit/);
    const badUtf8 = await send('POST', '/api/projects', { headers: { ...as(alice), 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]) });
    // RFC 8259 §8.1: JSON must be UTF-8. A 400 is the clear answer; a lenient parser that stores U+FFFD in
    // place of the broken bytes is tolerated (never the raw bytes, never a 5xx).
    expect([201, 400]).toContain(badUtf8.status);
    if (badUtf8.status === 201) expect(jsonOf<{ name: string }>(badUtf8)!.name).toContain('\uFFFD');
    const nul = await send('POST', '/api/projects', { headers: as(alice), body: { name: 'nul\u0000byte', description: 'a\u0000b' } });
    expect([201, 400]).toContain(nul.status);
    if (nul.status === 201) expect(jsonOf<{ name: string }>(nul)!.name).toBe('nul\u0000byte');
    const nulPath = await send('GET', '/api/projects/abc%00def', { headers: as(alice) });
    expect([400, 404]).toContain(nulPath.status);
    const hugeHeader = await send('GET', '/api/projects', { headers: { ...as(alice), 'x-filler': 'a'.repeat(100 * 1024) } });
    expect([400, 431, 'ECONNRESET', 'EPIPE']).toContain(hugeHeader.status === 0 ? hugeHeader.error : hugeHeader.status);
    // Node's parser answers 431 and closes at once; a client still writing the 100 KiB header sees a reset
    // instead. Both are the refusal, so the reset is not counted as a dropped request by the last test.
    if (hugeHeader.status === 0) answersSeen.splice(answersSeen.indexOf(hugeHeader), 1);
    const notJson = await send('POST', '/api/projects', { headers: { ...as(alice), 'content-type': 'text/plain' }, body: 'name=x' });
    expect(notJson.status).toBe(415);
    const brokenJson = await send('POST', '/api/projects', { headers: { ...as(alice), 'content-type': 'application/json' }, body: '{"name": "x",' });
    expect(brokenJson.status).toBe(400);
  }, 60_000);

  it('never routes a traversal path to anything internal', async () => {
    for (const path of [
      '/api/projects/..%2f..%2finternal',
      '/api/projects/..%2F..%2Fmetrics',
      '/api/projects/%2e%2e/%2e%2e/metrics',
      '/api/../metrics',
      '/api/pdf/jobs/..%2f..%2f..%2fetc%2fpasswd/file',
      '/api/projects/..\\..\\readyz',
      '/api/internal',
    ]) {
      const result = await send('GET', path, { headers: as(alice) });
      expect(`${path} ${result.status}`).toMatch(/ (400|401|404)$/);
      expect(result.text).not.toMatch(/^# HELP|root:x:0/m);
    }
  });

  it('ignores a client-sent x-user-id (identity comes from the token only)', async () => {
    const bobsProject = await api.createProject(bob, 'Bob project');
    const spoofed = await send('GET', `/api/projects/${bobsProject}`, { headers: { ...as(alice), 'x-user-id': bob.userId, 'x-user-email': bob.email } });
    expect(spoofed.status).toBe(404);
    const anonymous = await send('GET', '/api/projects', { headers: { 'x-user-id': bob.userId } });
    expect(anonymous.status).toBe(401);
    const me = jsonOf<{ id: string }>(await send('GET', '/api/auth/me', { headers: { ...as(alice), 'x-user-id': bob.userId } }));
    expect(me?.id).toBe(alice.userId);
  });

  it('does not reflect arbitrary origins in CORS', async () => {
    const evil = await send('GET', '/api/playbook', { headers: { origin: 'https://evil.example.com' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send('OPTIONS', '/api/projects', { headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const nullOrigin = await send('GET', '/api/playbook', { headers: { origin: 'null' } });
    expect(nullOrigin.headers['access-control-allow-origin']).toBeUndefined();
    const friend = await send('GET', '/api/playbook', { headers: { origin: 'https://app.example.com' } });
    expect(friend.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('refuses TRACE and other unused methods on every route family with exactly 405 problem+json and its Allow header', async () => {
    const projectId = await api.createProject(alice);
    // One unused method per route of the public table; Allow lists the route's methods (GET brings HEAD).
    const cases: Array<[string, string, string]> = [
      ['TRACE', '/api/projects', 'HEAD, GET, POST'],
      ['PROPFIND', '/api/projects', 'HEAD, GET, POST'],
      ['DELETE', '/api/projects', 'HEAD, GET, POST'],
      ['TRACE', '/api/health', 'HEAD, GET'],
      ['DELETE', '/api/health', 'HEAD, GET'],
      ['POST', '/api/routes', 'HEAD, GET'],
      ['PUT', '/api/openapi.json', 'HEAD, GET'],
      ['POST', '/api/docs', 'HEAD, GET'],
      ['GET', '/api/auth/register', 'POST'],
      ['PUT', '/api/auth/login', 'POST'],
      ['GET', '/api/auth/refresh', 'POST'],
      ['GET', '/api/auth/logout', 'POST'],
      ['POST', '/api/auth/me', 'HEAD, GET, DELETE'],
      ['POST', '/api/auth/jwks.json', 'HEAD, GET'],
      ['PATCH', '/api/playbook', 'HEAD, GET'],
      ['POST', `/api/projects/${projectId}`, 'HEAD, GET, PATCH, DELETE'],
      ['PUT', `/api/projects/${projectId}`, 'HEAD, GET, PATCH, DELETE'],
      ['POST', `/api/projects/${projectId}/responses`, 'HEAD, GET, PUT'],
      ['GET', `/api/projects/${projectId}/pdf`, 'POST'],
      ['DELETE', '/api/pdf/jobs/some-job', 'HEAD, GET'],
      ['POST', '/api/pdf/jobs/some-job/file', 'HEAD, GET'],
      ['GET', '/api/generate-pdf', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const result = await send(method, path, { headers: as(alice) });
      const body = jsonOf<Record<string, unknown>>(result);
      expect({
        request: `${method} ${path}`,
        status: result.status,
        contentType: String(result.headers['content-type']).split(';')[0],
        allow: result.headers.allow,
        type: body?.type,
        detail: body?.detail,
      }).toEqual({
        request: `${method} ${path}`,
        status: 405,
        contentType: 'application/problem+json',
        allow,
        type: 'urn:playbook:problem:method-not-allowed',
        detail: `${method} is not allowed here; see the Allow header`,
      });
      expect(result.text).not.toContain(alice.accessToken);
    }
  });

  it('leaks no stack trace, version or internal address in any answer of this suite, and stayed up', async () => {
    const leaks = answersSeen.filter((answer) => LEAK.test(answer.text) || answer.headers['x-powered-by'] !== undefined || /\d/.test(String(answer.headers.server ?? '')));
    expect(leaks.map((answer) => `${answer.status} ${answer.text.slice(0, 300)}`)).toEqual([]);
    expect(answersSeen.filter((answer) => answer.status >= 500 || answer.status === 0).map((a) => `${a.status} ${a.error ?? ''} ${a.text.slice(0, 200)}`)).toEqual([]);
    expect(await waitAllReady(stack, 10_000)).toBeDefined();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, Events, type NatsConnection } from 'nats';
import { NATS_IDENTITIES, PDF_OBJECT_STORE, PDF_RENDER_CONSUMER, PDF_RENDER_JOB_SUBJECT, PDF_WORK_STREAM } from '@playbook/contract';
import { inboxPrefixOf, natsAuthorizationConfig, passwordVariableOf } from '@playbook/kit/nats';
import { harnessConnectOptions, startNatsServer, type NatsUser, type TestNatsServer } from '../support/nats-server';

/**
 * The NATS server refuses every identity what the contract does not allow it (contract/src/nats-identities.ts):
 * each service connects as itself, and a publish or subscription outside its permissions is refused by the
 * server (the client hears a permissions violation; a watcher allowed everything sees nothing arrive).
 */

type User = (typeof NATS_IDENTITIES)[number]['user'];
const USERS = NATS_IDENTITIES.map((identity) => identity.user);
const identityOf = (user: User) => NATS_IDENTITIES.find((identity) => identity.user === user)!;

/** NATS subject matching: `*` is one token, `>` one or more at the end. */
function matches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const tokens = subject.split('.');
  for (let index = 0; index < patternTokens.length; index++) {
    if (patternTokens[index] === '>') return tokens.length > index;
    if (index >= tokens.length || (patternTokens[index] !== '*' && patternTokens[index] !== tokens[index])) return false;
  }
  return tokens.length === patternTokens.length;
}
const allowedTo = (patterns: readonly string[], subject: string) => patterns.some((pattern) => matches(pattern, subject));
const mayPublish = (user: User, subject: string) => allowedTo(identityOf(user).publish, subject);
const maySubscribe = (user: User, subject: string) => allowedTo([...identityOf(user).subscribe, `${inboxPrefixOf(user)}.>`], subject);

/** A concrete subject for every pattern any identity names, plus everyone's inbox and stores no one may touch. */
const concrete = (pattern: string) => pattern.replace(/\*/g, 'probe').replace(/>$/, 'probe.one');
const SUBJECTS = [
  ...new Set([
    ...NATS_IDENTITIES.flatMap((identity) => [...identity.publish, ...identity.subscribe]).map(concrete),
    ...USERS.map((user) => `${inboxPrefixOf(user)}.probe`),
    '_INBOX.probe',
    `$KV.${PDF_OBJECT_STORE}.probe`,
    '$O.other.C.probe',
    '$JS.API.STREAM.DELETE.EVENTS',
    '$JS.API.STREAM.PURGE.EVENTS',
    `$JS.API.CONSUMER.DELETE.${PDF_WORK_STREAM}.${PDF_RENDER_CONSUMER}`,
    'anything.else',
  ]),
].sort();

interface Client {
  connection: NatsConnection;
  /** The permission violations the server reported to this client so far. */
  refusals: string[];
}

async function connectAs(server: TestNatsServer, user: NatsUser): Promise<Client> {
  const { password } = server.credentials(user);
  const connection = await connect({ servers: server.url, user, pass: password, inboxPrefix: inboxPrefixOf(user), timeout: 5_000 });
  const refusals: string[] = [];
  void (async () => {
    for await (const status of connection.status()) {
      const context = (status as { permissionContext?: { operation: string; subject: string } }).permissionContext;
      if (status.type === Events.Error && context) refusals.push(`${context.operation} ${context.subject}`);
    }
  })();
  return { connection, refusals };
}

const refusalOf = (operation: 'publish' | 'subscription', subject: string) => `${operation} ${subject}`;

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('NATS identities', () => {
  let server: TestNatsServer;
  let watcher: NatsConnection;
  const seen = new Map<string, number>();
  const clients = new Map<User, Client>();

  beforeAll(async () => {
    server = await startNatsServer();
    watcher = await connect({ ...harnessConnectOptions(server), timeout: 5_000 });
    watcher.subscribe('>', { callback: (_error, message) => seen.set(message.subject, (seen.get(message.subject) ?? 0) + 1) });
    await watcher.flush();
    for (const user of USERS) clients.set(user, await connectAs(server, user));
  }, 30_000);
  afterAll(async () => {
    for (const client of clients.values()) await client.connection.close();
    await watcher?.close();
    await server?.destroy();
  });

  it('refuses a connection without a user, with a wrong password, or as a user it does not know', async () => {
    await expect(connect({ servers: server.url, timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: server.url, user: 'pdf-service', pass: 'guessed', timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: server.url, user: 'intruder', pass: 'guessed', timeout: 5_000, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
  });

  it.each(USERS)('lets %s publish exactly what the contract allows it', async (user) => {
    const client = clients.get(user)!;
    const forbidden = SUBJECTS.filter((subject) => !mayPublish(user, subject));
    const allowed = SUBJECTS.filter((subject) => mayPublish(user, subject) && !subject.startsWith('$JS.') && !subject.startsWith('$O.'));
    const before = new Map(SUBJECTS.map((subject) => [subject, seen.get(subject) ?? 0]));
    for (const subject of [...forbidden, ...allowed]) client.connection.publish(subject, `from ${user}`);
    await client.connection.flush();
    await waitFor(() => forbidden.every((subject) => client.refusals.includes(refusalOf('publish', subject))));
    await watcher.flush();
    await waitFor(() => allowed.every((subject) => (seen.get(subject) ?? 0) > before.get(subject)!));

    expect(forbidden.filter((subject) => !client.refusals.includes(refusalOf('publish', subject)))).toEqual([]);
    expect(forbidden.filter((subject) => (seen.get(subject) ?? 0) > before.get(subject)!)).toEqual([]);
    expect(allowed.filter((subject) => (seen.get(subject) ?? 0) === before.get(subject)!)).toEqual([]);
  }, 30_000);

  it.each(USERS)('lets %s subscribe to exactly what the contract allows it', async (user) => {
    const client = clients.get(user)!;
    const failed = new Set<string>();
    for (const subject of SUBJECTS) {
      client.connection.subscribe(subject, { callback: (error) => void (error && failed.add(subject)) });
    }
    await client.connection.flush();
    const forbidden = SUBJECTS.filter((subject) => !maySubscribe(user, subject));
    await waitFor(() => forbidden.every((subject) => failed.has(subject)));

    expect(forbidden.filter((subject) => !failed.has(subject))).toEqual([]);
    expect(SUBJECTS.filter((subject) => maySubscribe(user, subject) && failed.has(subject))).toEqual([]);
  }, 30_000);

  it("lets auth-service answer the gateway's request for the signing keys, and no other service forge that answer", async () => {
    // Connections of their own: the ones above hold the subscriptions the earlier tests made.
    const [auth, pdf, gateway] = await Promise.all([connectAs(server, 'auth-service'), connectAs(server, 'pdf-service'), connectAs(server, 'gateway')]);
    const replySubjects: string[] = [];
    watcher.subscribe('auth.v1.jwks.get', { callback: (_error, message) => message.reply && replySubjects.push(message.reply) });
    await watcher.flush();
    auth.connection.subscribe('auth.v1.jwks.get', { callback: (_error, message) => message.respond('{"ok":true,"data":{"keys":[]}}') });
    await auth.connection.flush();

    const reply = await gateway.connection.request('auth.v1.jwks.get', '{}', { timeout: 5_000 });
    expect(reply.string()).toBe('{"ok":true,"data":{"keys":[]}}');
    // The watcher sees the request on its own connection, perhaps after the answer came back.
    await watcher.flush();
    await waitFor(() => replySubjects.length > 0);
    expect(replySubjects).toHaveLength(1);
    expect(replySubjects[0]!.startsWith(`${inboxPrefixOf('gateway')}.`)).toBe(true);

    // Another service that learned where the answer goes still cannot send one there.
    pdf.connection.publish(replySubjects[0]!, '{"ok":true,"data":{"keys":["forged"]}}');
    await pdf.connection.flush();
    await waitFor(() => pdf.refusals.includes(refusalOf('publish', replySubjects[0]!)));
    expect(pdf.refusals).toContain(refusalOf('publish', replySubjects[0]!));
    await Promise.all([auth, pdf, gateway].map((client) => client.connection.close()));
  });

  // The claims the table must keep, whatever else changes in it.
  const only = (can: (user: User) => boolean) => USERS.filter(can);
  it('lets only auth-service answer for the signing keys and publish user events and the audit', () => {
    expect(only((user) => maySubscribe(user, 'auth.v1.jwks.get'))).toEqual(['auth-service']);
    for (const subject of ['auth.v1.user.deleted', 'auth.v1.user.session-revoked', 'auth.v1.audit']) {
      expect(only((user) => mayPublish(user, subject))).toEqual(['auth-service']);
    }
  });

  it('lets only project-service answer snapshot and version requests, and publish project events', () => {
    for (const subject of ['project.v1.snapshot.get', 'project.v1.version.get']) expect(only((user) => maySubscribe(user, subject))).toEqual(['project-service']);
    for (const subject of ['project.v1.project.updated', 'project.v1.project.deleted']) expect(only((user) => mayPublish(user, subject))).toEqual(['project-service']);
  });

  it('lets only pdf-service queue and take render jobs and read or write the PDF store', () => {
    const pdfOnly = [
      PDF_RENDER_JOB_SUBJECT,
      `$JS.API.CONSUMER.MSG.NEXT.${PDF_WORK_STREAM}.${PDF_RENDER_CONSUMER}`,
      `$JS.API.STREAM.MSG.GET.${PDF_WORK_STREAM}`,
      `$O.${PDF_OBJECT_STORE}.C.probe`,
      `$JS.API.DIRECT.GET.OBJ_${PDF_OBJECT_STORE}`,
      `$JS.API.STREAM.MSG.GET.OBJ_${PDF_OBJECT_STORE}`,
      `$JS.API.CONSUMER.CREATE.OBJ_${PDF_OBJECT_STORE}`,
      'pdf.v1.job.updated',
    ];
    for (const subject of pdfOnly) expect([subject, only((user) => mayPublish(user, subject))]).toEqual([subject, ['pdf-service']]);
    expect(only((user) => maySubscribe(user, `$O.${PDF_OBJECT_STORE}.C.probe`))).toEqual([]);
  });

  it("gives each identity an inbox no other identity may read or write into", () => {
    for (const owner of USERS) {
      const inbox = `${inboxPrefixOf(owner)}.probe`;
      expect(only((user) => maySubscribe(user, inbox))).toEqual([owner]);
      expect(only((user) => mayPublish(user, inbox))).toEqual([]);
    }
    expect(only((user) => maySubscribe(user, '_INBOX.probe') || maySubscribe(user, 'anything.else'))).toEqual([]);
  });

  it('ships the chart the same users, each password read from its own variable of the NATS pods', () => {
    const chartFile = readFileSync(join(__dirname, '../../helm/playbook/files/nats-authorization.conf'), 'utf8');
    // Regenerate with: node scripts/nats-users.mjs --chart > helm/playbook/files/nats-authorization.conf
    expect(chartFile).toBe(natsAuthorizationConfig(NATS_IDENTITIES, (user) => ({ environmentVariable: passwordVariableOf(user) })));
  });
});

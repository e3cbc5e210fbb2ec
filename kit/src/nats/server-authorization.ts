import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One NATS identity: a service's user and exactly what it may do. The server refuses every other publish and
 * subscription; its replies arrive under an inbox prefix of its own, which no other identity may read.
 */
export interface NatsIdentity {
  user: string;
  publish: readonly string[];
  subscribe: readonly string[];
  /** Answers requests: may publish once to the reply subject of each request it received, and nowhere else. */
  answersRequests: boolean;
}

/** Where an identity's replies arrive (nats.js `inboxPrefix`): `_INBOX_<user>`, subscribable by that user only. */
export const inboxPrefixOf = (user: string) => `_INBOX_${user}`;

/** A password in the server config: the value itself (a file only the server reads), or an environment variable the server resolves. */
export type PasswordSource = { value: string } | { environmentVariable: string };

/** The environment variable a chart-rendered config reads an identity's password from, e.g. `NATS_PASSWORD_PDF_SERVICE`. */
export const passwordVariableOf = (user: string) => `NATS_PASSWORD_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const quoted = (text: string) => JSON.stringify(text);
const list = (subjects: readonly string[]) => `[${[...new Set(subjects)].map(quoted).join(', ')}]`;

/**
 * The nats-server `authorization` block for `identities`: no anonymous user, so a connection without a known
 * user and password is refused. The local stack, the tests and the Helm chart all render their config with this.
 */
export function natsAuthorizationConfig(identities: readonly NatsIdentity[], passwordOf: (user: string) => PasswordSource): string {
  const users = identities.map((identity) => {
    const password = passwordOf(identity.user);
    const passwordValue = 'value' in password ? quoted(password.value) : `$${password.environmentVariable}`;
    const lines = [
      `    {`,
      `      user: ${quoted(identity.user)}`,
      `      password: ${passwordValue}`,
      `      permissions: {`,
      `        publish: { allow: ${list(identity.publish)} }`,
      `        subscribe: { allow: ${list([...identity.subscribe, `${inboxPrefixOf(identity.user)}.>`])} }`,
      ...(identity.answersRequests ? [`        allow_responses: true`] : []),
      `      }`,
      `    }`,
    ];
    return lines.join('\n');
  });
  return ['authorization {', '  users: [', users.join('\n'), '  ]', '}', ''].join('\n');
}

/**
 * A NATS server's users kept in a folder, as the local stack and the tests run it: a password per identity in
 * `<dir>/users/<user>.password` (generated once, kept across restarts, readable by this OS user only) and
 * `<dir>/nats-authorization.conf` rendered from `identities`, for the server's `-c`.
 */
export function writeNatsUsers(dir: string, identities: readonly NatsIdentity[]) {
  const usersDir = join(dir, 'users');
  mkdirSync(usersDir, { recursive: true, mode: 0o700 });
  const passwordFile = (user: string) => join(usersDir, `${user}.password`);
  const passwords = new Map<string, string>();
  for (const { user } of identities) {
    const file = passwordFile(user);
    if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    passwords.set(user, readFileSync(file, 'utf8').trim());
  }
  const configFile = join(dir, 'nats-authorization.conf');
  writeFileSync(configFile, natsAuthorizationConfig(identities, (user) => ({ value: passwords.get(user)! })), { mode: 0o600 });
  return { configFile, passwordFile, password: (user: string) => passwords.get(user)! };
}

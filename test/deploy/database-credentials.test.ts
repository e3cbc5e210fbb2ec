import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { CHART_DIR, ROOT, one, renderChart, runHelm, type Manifest } from './support/helm';
import { secretRefs, workloads, type PodTemplate, type SecretRef, type Workload } from './support/workloads';

/** The data services and the database each owns (contract/src/services.ts, values.yaml's mongoDb). */
const DATABASES: Record<string, string> = { 'auth-service': 'auth', 'project-service': 'projects', 'pdf-service': 'pdf' };
const DATA_SERVICES = Object.keys(DATABASES);
const USERS_SCRIPT = resolve(CHART_DIR, 'files/database-users.js');
/** The Secret holding the root password: the chart's own, or the operator's in the value sets here. */
const SHARED_SECRETS = ['playbook', 'playbook-secrets'];
/** The names of the Secrets a rendering holds database credentials in (`-mongodb` ones are the chart's). */
const mongoSecrets = (manifests: Manifest[]) => manifests.filter((m) => m.kind === 'Secret' && m.metadata.name.endsWith('-mongodb')).map((m) => m.metadata.name).sort();

type Secret = Manifest & { data: Record<string, string> };
type Role = { role: string; db: string };

const byName = (manifests: Manifest[], kind: string, name: string): Workload => {
  const found = workloads(manifests).find((w) => w.manifest.kind === kind && w.manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const envOf = (template: PodTemplate, container: string, name: string) =>
  template.spec.containers.find((c) => c.name === container)?.env?.find((e) => e.name === name);
const decoded = (secret: Secret, key: string) => Buffer.from(secret.data[key] ?? '', 'base64').toString();

/** The database credentials a rendering gives out: who reads which Secret key as MONGO_URL. */
function mongoUrlRefs(manifests: Manifest[]): Record<string, SecretRef> {
  const refs: Record<string, SecretRef> = {};
  for (const service of DATA_SERVICES) {
    const ref = envOf(byName(manifests, 'Deployment', `playbook-${service}`).template, service, 'MONGO_URL')?.valueFrom?.secretKeyRef;
    if (ref) refs[service] = { secret: ref.name, key: ref.key };
  }
  const backup = envOf(byName(manifests, 'CronJob', 'playbook-backup').template, 'mongodump', 'MONGO_URL')?.valueFrom?.secretKeyRef;
  if (backup) refs.backup = { secret: backup.name, key: backup.key };
  return refs;
}

/** The users the in-chart MongoDB's database-users container keeps, by credential. */
function plannedRoles(manifests: Manifest[]): Record<string, Role[]> {
  const users = JSON.parse(envOf(byName(manifests, 'StatefulSet', 'playbook-mongodb').template, 'database-users', 'DATABASE_USERS')?.value ?? '[]') as Array<{ name: string; roles: Role[] }>;
  return Object.fromEntries(users.map((user) => [user.name, user.roles]));
}

/**
 * Least privilege on the database: every pod that reads a database credential reads only its own, and the root
 * login stays inside the MongoDB pod.
 */
function expectLeastPrivilege(manifests: Manifest[]): void {
  const credentials = mongoUrlRefs(manifests);
  expect(Object.keys(credentials).sort()).toEqual([...DATA_SERVICES, 'backup'].sort());
  const credentialSecrets = new Set(Object.values(credentials).map((ref) => ref.secret));
  expect(credentialSecrets.size).toBe(4);
  const readers: string[] = [];
  for (const { manifest, template } of workloads(manifests)) {
    const refs = secretRefs(template);
    const isMongoDb = manifest.kind === 'StatefulSet' && manifest.metadata.name === 'playbook-mongodb';
    const own = Object.entries(credentials).filter(([owner]) => manifest.metadata.name === `playbook-${owner}`).map(([, ref]) => ref);
    const credentialRefs = refs.filter((ref) => credentialSecrets.has(ref.secret));
    if (!isMongoDb) expect({ workload: manifest.metadata.name, reads: credentialRefs }).toEqual({ workload: manifest.metadata.name, reads: own });
    if (refs.some((ref) => ref.key === 'mongo-root-password' || (ref.key === '*' && SHARED_SECRETS.includes(ref.secret)))) readers.push(`${manifest.kind}/${manifest.metadata.name}`);
  }
  expect(readers.filter((reader) => reader !== 'StatefulSet/playbook-mongodb')).toEqual([]);
  // The backup job reads nothing else at all: no shared Secret, no other credential.
  expect(secretRefs(byName(manifests, 'CronJob', 'playbook-backup').template)).toEqual([credentials.backup]);
}

describe('database credentials in the chart', () => {
  describe.each([
    ['the defaults', [] as string[], [] as string[]],
    ['a MongoDB replica set', [], ['mongodb.replicas=3']],
    ['an external MongoDB with existing Secrets', ['external-services.yaml'], []],
    ['the production values (k8s/values)', [resolve(ROOT, 'k8s/values/playbook-production.yaml')], []],
  ])('rendered with %s', (_set, files, sets) => {
    const manifests = renderChart(files, sets);

    it('gives each data service and the backup job their own Secret, read by no other pod, and the root login to MongoDB only', () => {
      expectLeastPrivilege(manifests);
    });
  });

  describe('with the in-chart MongoDB', () => {
    const manifests = renderChart();

    it('generates one Secret per credential holding only its URL: its own user, a 32-character password, the MongoDB Service', () => {
      for (const [name, ref] of Object.entries(mongoUrlRefs(manifests))) {
        const secret = one<Secret>(manifests, 'Secret', ref.secret);
        expect([ref.secret, Object.keys(secret.data)]).toEqual([`playbook-${name}-mongodb`, ['mongo-url']]);
        expect(decoded(secret, 'mongo-url')).toMatch(new RegExp(`^mongodb://${name}:[A-Za-z0-9]{32}@playbook-mongodb:27017/\\?authSource=admin$`));
      }
    });

    it('has MongoDB create each service\'s user with readWrite on its own database only, and the backup user with read on those databases', () => {
      expect(plannedRoles(manifests)).toEqual({
        ...Object.fromEntries(DATA_SERVICES.map((service) => [service, [{ role: 'readWrite', db: DATABASES[service] }]])),
        backup: ['auth', 'pdf', 'projects'].map((db) => ({ role: 'read', db })),
      });
      const backup = byName(manifests, 'CronJob', 'playbook-backup').template;
      expect(envOf(backup, 'mongodump', 'DATABASES')?.value).toBe('auth pdf projects');
    });

    it('mounts every credential\'s Secret into the database-users container, so a changed Secret reaches it without a restart', () => {
      const { template } = byName(manifests, 'StatefulSet', 'playbook-mongodb');
      const refs = secretRefs(template);
      for (const ref of Object.values(mongoUrlRefs(manifests))) expect(refs).toContainEqual(ref);
      const users = template.spec.containers.find((c) => c.name === 'database-users')!;
      expect(users.volumeMounts).toContainEqual({ name: 'database-credentials', mountPath: '/etc/database-credentials', readOnly: true });
      expect(users.readinessProbe).toBeDefined();
    });

    it('names every member and the set in each credential\'s URL when MongoDB is a replica set', () => {
      const replicaSet = renderChart([], ['mongodb.replicas=3']);
      const members = [0, 1, 2].map((i) => `playbook-mongodb-${i}.playbook-mongodb.playbook.svc:27017`).join(',');
      for (const ref of Object.values(mongoUrlRefs(replicaSet))) {
        expect(decoded(one<Secret>(replicaSet, 'Secret', ref.secret), ref.key)).toMatch(new RegExp(`^mongodb://[a-z-]+:[A-Za-z0-9]{32}@${members.replace(/\./g, '\\.')}/\\?authSource=admin&replicaSet=rs0$`));
      }
    });

    it('honours an existingSecret: that Secret is read (its key) and not rendered, and MongoDB makes its user from it', () => {
      const manifests = renderChart([], [
        'services.project-service.mongoSecret.existingSecret=mongodb-project-service',
        'services.project-service.mongoSecret.existingSecretKey=uri',
        'backup.mongoSecret.existingSecret=mongodb-backup',
      ]);
      const refs = mongoUrlRefs(manifests);
      expect([refs['project-service'], refs.backup]).toEqual([{ secret: 'mongodb-project-service', key: 'uri' }, { secret: 'mongodb-backup', key: 'mongo-url' }]);
      expect(mongoSecrets(manifests)).toEqual(['playbook-auth-service-mongodb', 'playbook-pdf-service-mongodb']);
      expect(secretRefs(byName(manifests, 'StatefulSet', 'playbook-mongodb').template)).toEqual(expect.arrayContaining([refs['project-service'], refs.backup]));
      expectLeastPrivilege(manifests);
    });
  });

  it.each([
    ['a service', ['mongodb.enabled=false'], 'services.auth-service.mongoSecret.existingSecret'],
    ['the backup job', ['mongodb.enabled=false', ...DATA_SERVICES.map((s) => `services.${s}.mongoSecret.existingSecret=mongodb-${s}`)], 'backup.mongoSecret.existingSecret'],
  ])('refuses an external MongoDB without the Secret of %s, naming the value to set', (_who, sets, value) => {
    const { status, stderr } = runHelm(['template', 'playbook', CHART_DIR, ...sets.flatMap((pair) => ['--set', pair])]);
    expect([status, stderr]).toEqual([1, expect.stringContaining(value)]);
  });

  it('renders no credential for a service that is off, and no backup user without the backup job', () => {
    const manifests = renderChart([], ['services.pdf-service.enabled=false', 'backup.enabled=false']);
    expect(Object.keys(plannedRoles(manifests)).sort()).toEqual(['auth-service', 'project-service']);
    expect(mongoSecrets(manifests)).toEqual(['playbook-auth-service-mongodb', 'playbook-project-service-mongodb']);
  });
});

/** The functions of helm/playbook/files/database-users.js, loaded as Node loads it (without mongosh it only exports). */
type UsersScript = {
  credentialsOf(url: string): { user: string; pwd: string; db: string };
  plannedUsers(credentials: Array<{ name: string; url: string; roles: Role[] }>, rootUser: string): Array<{ credential: string; user: string; pwd: string; db: string; roles: Role[] }>;
  userCommand(existing: boolean, planned: { user: string; pwd: string; roles: Role[] }): Record<string, unknown>;
  syncUser(database: FakeDatabase, planned: { user: string; pwd: string; roles: Role[] }): 'created' | 'updated';
};
type FakeDatabase = { runCommand(command: Record<string, unknown>): Record<string, unknown> };

function loadUsersScript(): UsersScript {
  const module = { exports: {} as UsersScript };
  runInNewContext(readFileSync(USERS_SCRIPT, 'utf8'), { module, decodeURIComponent, JSON }, { filename: USERS_SCRIPT });
  return module.exports;
}

/**
 * A stand-in for a mongosh database (no mongod here): answers usersInfo from its users, createUser and
 * updateUser like the server does (51003 for a user that exists, 11 for one that does not), and records each
 * command. `raceOnCreate` adds the user just before a createUser, as another member's run would.
 */
function fakeDatabase(users: string[], raceOnCreate = false): FakeDatabase & { commands: string[] } {
  const existing = new Set(users);
  const commands: string[] = [];
  return {
    commands,
    runCommand(command) {
      const [name] = Object.keys(command);
      const user = command[name!] as string;
      commands.push(`${name} ${user}`);
      if (name === 'usersInfo') return { ok: 1, users: existing.has(user) ? [{ user }] : [] };
      if (name === 'createUser') {
        if (raceOnCreate) existing.add(user);
        if (existing.has(user)) return { ok: 0, code: 51003, errmsg: `User "${user}@admin" already exists` };
        existing.add(user);
        return { ok: 1 };
      }
      if (name === 'updateUser') return existing.has(user) ? { ok: 1 } : { ok: 0, code: 11, errmsg: `User ${user}@admin not found` };
      return { ok: 0, code: 59, errmsg: `no such command: ${name}` };
    },
  };
}

describe('the database-users script (helm/playbook/files/database-users.js)', () => {
  const script = loadUsersScript();
  const readWrite = [{ role: 'readWrite', db: 'auth' }];

  it('is valid JavaScript (node --check)', () => {
    const result = spawnSync(process.execPath, ['--check', USERS_SCRIPT], { encoding: 'utf8' });
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  it('reads the user, the decoded password and the authentication database from a credential\'s URL', () => {
    expect(script.credentialsOf('mongodb://auth-service:p%40ss%3Aword@playbook-mongodb:27017/?authSource=admin\n')).toEqual({ user: 'auth-service', pwd: 'p@ss:word', db: 'admin' });
    expect(script.credentialsOf('mongodb://a:b@h1:27017,h2:27017/auth?replicaSet=rs0')).toEqual({ user: 'a', pwd: 'b', db: 'auth' });
    expect(script.credentialsOf('mongodb+srv://a:b@cluster.example.net/')).toEqual({ user: 'a', pwd: 'b', db: 'admin' });
    expect(() => script.credentialsOf('mongodb://playbook-mongodb:27017/')).toThrow('with a user and a password');
  });

  it('refuses a credential naming the root user, one user named by two credentials, and an empty password', () => {
    const url = (user: string, password = 'secret') => `mongodb://${user}:${password}@m:27017/?authSource=admin`;
    expect(() => script.plannedUsers([{ name: 'backup', url: url('root'), roles: readWrite }], 'root')).toThrow('backup: names the root user root');
    expect(() => script.plannedUsers([{ name: 'auth-service', url: url('app'), roles: readWrite }, { name: 'pdf-service', url: url('app'), roles: readWrite }], 'root'))
      .toThrow('auth-service and pdf-service name the same user app');
    expect(() => script.plannedUsers([{ name: 'auth-service', url: url('app', ''), roles: readWrite }], 'root')).toThrow('auth-service: the URL has an empty password');
    expect(script.plannedUsers([{ name: 'auth-service', url: url('auth-service'), roles: readWrite }], 'root'))
      .toEqual([{ credential: 'auth-service', user: 'auth-service', pwd: 'secret', db: 'admin', roles: readWrite }]);
  });

  it('creates a missing user and updates an existing one to the Secret\'s password and exactly the planned roles', () => {
    const planned = { user: 'auth-service', pwd: 'secret', roles: readWrite };
    expect(script.userCommand(false, planned)).toEqual({ createUser: 'auth-service', pwd: 'secret', roles: readWrite });
    expect(script.userCommand(true, planned)).toEqual({ updateUser: 'auth-service', pwd: 'secret', roles: readWrite });

    const empty = fakeDatabase([]);
    expect(script.syncUser(empty, planned)).toBe('created');
    expect(script.syncUser(empty, planned)).toBe('updated');
    expect(empty.commands).toEqual(['usersInfo auth-service', 'createUser auth-service', 'usersInfo auth-service', 'updateUser auth-service']);
  });

  it('updates instead when another member created the user between the look-up and the create', () => {
    const racing = fakeDatabase([], true);
    expect(script.syncUser(racing, { user: 'backup', pwd: 'secret', roles: [{ role: 'read', db: 'auth' }] })).toBe('updated');
    expect(racing.commands).toEqual(['usersInfo backup', 'createUser backup', 'updateUser backup']);
  });

  it('passes any other failure on, so the container retries and stays unready', () => {
    const broken: FakeDatabase = { runCommand: (command) => ('usersInfo' in command ? { ok: 1, users: [] } : { ok: 0, code: 13, errmsg: 'not authorized on admin to execute command' }) };
    expect(() => script.syncUser(broken, { user: 'auth-service', pwd: 'secret', roles: readWrite })).toThrow('not authorized');
  });
});

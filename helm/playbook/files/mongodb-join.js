// Makes the local mongod a member of the replica set; mongodb-member.sh runs it until it succeeds.
// Member 0 initiates the set when no other member belongs to one and creates the root user through the
// localhost exception (no users yet); every other member asks the primary to add it. A member whose volume was
// lost is still in the set's config and is synced again by the primary, so it never initiates a second set.
const { POD_NAME, GOVERNING_SERVICE, NAMESPACE, REPLICA_SET, MEMBERS, MONGO_ROOT_USER, MONGO_ROOT_PASSWORD } = process.env;
const statefulSet = POD_NAME.replace(/-\d+$/, '');
const hostOf = (ordinal) => `${statefulSet}-${ordinal}.${GOVERNING_SERVICE}.${NAMESPACE}.svc:27017`;
const self = hostOf(POD_NAME.slice(statefulSet.length + 1));
const others = Array.from({ length: Number(MEMBERS) }, (_, ordinal) => hostOf(ordinal)).filter((host) => host !== self);
const admin = db.getSiblingDB('admin');

/** Runs an admin command and returns its answer; throws when it failed, however the shell reports that. */
function run(adminDb, command) {
  const result = adminDb.runCommand(command);
  if (!result.ok) throw Object.assign(new Error(result.errmsg), { code: result.code, codeName: result.codeName });
  return result;
}

/** The primary another member knows of, or undefined when none answers as part of the set yet. */
function findPrimary() {
  for (const host of others) {
    try {
      const hello = run(new Mongo(`mongodb://${host}/?directConnection=true&serverSelectionTimeoutMS=2000`).getDB('admin'), { hello: 1 });
      if (hello.setName === REPLICA_SET && hello.primary) return hello.primary;
    } catch {
      // Not started or not resolvable yet.
    }
  }
  return undefined;
}

/** Adds this member to the set's config through the primary, unless it is already in it. */
function joinThrough(primary) {
  const credentials = `${encodeURIComponent(MONGO_ROOT_USER)}:${encodeURIComponent(MONGO_ROOT_PASSWORD)}`;
  const primaryAdmin = new Mongo(`mongodb://${credentials}@${primary}/?authSource=admin&directConnection=true`).getDB('admin');
  const { config } = run(primaryAdmin, { replSetGetConfig: 1 });
  if (config.members.some((member) => member.host === self)) return;
  config.members.push({ _id: Math.max(...config.members.map((member) => member._id)) + 1, host: self });
  config.version += 1;
  run(primaryAdmin, { replSetReconfig: config });
}

function initiate() {
  // A node that ran alone before (mongodb.replicas was 1) already has the root user: initiate as it.
  try {
    admin.auth(MONGO_ROOT_USER, MONGO_ROOT_PASSWORD);
  } catch {
    // No users yet: the localhost exception lets this connection initiate the set and create the first one.
  }
  try {
    run(admin, { replSetInitiate: { _id: REPLICA_SET, members: [{ _id: 0, host: self }] } });
  } catch (error) {
    if (error.codeName !== 'AlreadyInitialized') throw error;
  }
  for (let attempt = 0; attempt < 60 && !db.hello().isWritablePrimary; attempt += 1) sleep(1000);
}

function ensureRootUser() {
  try {
    admin.createUser({ user: MONGO_ROOT_USER, pwd: MONGO_ROOT_PASSWORD, roles: [{ role: 'root', db: 'admin' }] });
  } catch (error) {
    // Unauthorized: users exist and this connection is not one of them; 51003: the user exists already.
    if (error.codeName !== 'Unauthorized' && error.code !== 51003) throw error;
  }
}

if (!db.hello().setName) {
  const primary = findPrimary();
  if (primary) joinThrough(primary);
  else if (self === hostOf(0)) initiate();
  else throw new Error(`${self}: no primary of ${REPLICA_SET} to join yet`);
}
// Also after a restart between initiating and creating the user.
if (db.hello().isWritablePrimary) ensureRootUser();
// A member just added learns the set from the primary's next heartbeat: until then, this runs again.
if (!db.hello().setName) throw new Error(`${self}: not a member of ${REPLICA_SET} yet`);
print(`${self} is a member of ${REPLICA_SET}`);

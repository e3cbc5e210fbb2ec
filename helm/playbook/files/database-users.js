// Creates or updates the database users of the services and the backup job in the in-chart MongoDB, as the root
// user (templates/mongodb.yaml runs it from database-users.sh beside mongod). Each user is named, with its
// password, by the MONGO_URL in its own Secret, mounted as USERS_DIR/<credential>; DATABASE_USERS says which
// roles each credential gets. Users are matched by name and always given the Secret's password and exactly these
// roles, so a changed Secret or role list takes effect on the next run and a run can be repeated at will.
// Under mongosh (`--nodb --file`) it runs; loaded by Node (test/deploy), it only exports its functions.

/**
 * The user, password and authentication database a mongodb:// URL names (percent-decoded); the database is
 * authSource, else the URL's path, else admin, as the driver resolves it.
 */
function credentialsOf(url) {
  const match = /^mongodb(?:\+srv)?:\/\/([^:@/]+):([^@/]*)@[^/?]*(?:\/([^?]*))?(?:\?(.*))?$/.exec(url.trim());
  if (!match) throw new Error('not a mongodb:// URL with a user and a password');
  const [, user, password, path, query] = match;
  const authSource = (query || '').split('&').map((pair) => pair.split('=')).find(([key]) => key === 'authSource');
  const database = (authSource && authSource[1]) || path || 'admin';
  return { user: decodeURIComponent(user), pwd: decodeURIComponent(password), db: decodeURIComponent(database) };
}

/**
 * The users to keep, from each credential's URL and its roles; refuses the root user (it would lose its roles)
 * and one user named by two credentials (they would share, and so widen, each other's privileges).
 */
function plannedUsers(credentials, rootUser) {
  const users = credentials.map(({ name, url, roles }) => {
    try {
      return { credential: name, ...credentialsOf(url), roles };
    } catch (error) {
      throw new Error(`${name}: ${error.message}`);
    }
  });
  for (const user of users) {
    if (user.user === rootUser && user.db === 'admin') throw new Error(`${user.credential}: names the root user ${rootUser}`);
    if (!user.pwd) throw new Error(`${user.credential}: the URL has an empty password`);
    const twin = users.find((other) => other !== user && other.user === user.user && other.db === user.db);
    if (twin) throw new Error(`${user.credential} and ${twin.credential} name the same user ${user.user}`);
  }
  return users;
}

/** The one command that makes a user as planned: createUser when it does not exist yet, otherwise updateUser. */
function userCommand(existing, { user, pwd, roles }) {
  return existing ? { updateUser: user, pwd, roles } : { createUser: user, pwd, roles };
}

/**
 * Makes one user as planned in its database (a mongosh database object), returning what it did. A user created
 * by another member's run between the look-up and the create (error 51003) is updated instead.
 */
function syncUser(database, planned) {
  const run = (command) => {
    const result = database.runCommand(command);
    if (!result.ok) throw Object.assign(new Error(result.errmsg), { code: result.code });
  };
  const { users } = database.runCommand({ usersInfo: planned.user });
  const command = userCommand(users && users.length > 0, planned);
  try {
    run(command);
  } catch (error) {
    if (error.code !== 51003 || !command.createUser) throw error;
    run(userCommand(true, planned));
    return 'updated';
  }
  return command.createUser ? 'created' : 'updated';
}

function main() {
  const fs = require('fs');
  const { MONGO_HOSTS, MONGO_ROOT_USER, MONGO_ROOT_PASSWORD, USERS_DIR, DATABASE_USERS } = process.env;
  const credentials = JSON.parse(DATABASE_USERS).map(({ name, roles }) => ({ name, roles, url: fs.readFileSync(`${USERS_DIR}/${name}`, 'utf8') }));
  const users = plannedUsers(credentials, MONGO_ROOT_USER);
  const root = `${encodeURIComponent(MONGO_ROOT_USER)}:${encodeURIComponent(MONGO_ROOT_PASSWORD)}`;
  const client = new Mongo(`mongodb://${root}@${MONGO_HOSTS}`);
  for (const user of users) {
    const done = syncUser(client.getDB(user.db), user);
    print(`${done} ${user.db}.${user.user} (${user.credential}): ${user.roles.map((r) => `${r.role}@${r.db}`).join(', ')}`);
  }
}

if (typeof Mongo !== 'undefined') main();
else module.exports = { credentialsOf, plannedUsers, userCommand, syncUser };

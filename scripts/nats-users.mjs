// The NATS server's users: the services' identities from the contract (contract/src/nats-identities.ts).
//   node scripts/nats-users.mjs <folder>   the local stack's: a password each, generated once into <folder>/users/,
//                                          and the server's authorization config, whose path it prints
//   node scripts/nats-users.mjs --chart    the chart's helm/playbook/files/nats-authorization.conf: each password
//                                          read from an environment variable of the NATS pods
// Runs on a built tree.
import contract from '@playbook/contract';
import kitNats from '@playbook/kit/nats';

const { NATS_IDENTITIES } = contract;
const { natsAuthorizationConfig, passwordVariableOf, writeNatsUsers } = kitNats;

const target = process.argv[2];
if (!target) throw new Error('usage: node scripts/nats-users.mjs <folder> | --chart');
if (target === '--chart') {
  process.stdout.write(natsAuthorizationConfig(NATS_IDENTITIES, (user) => ({ environmentVariable: passwordVariableOf(user) })));
} else {
  process.stdout.write(`${writeNatsUsers(target, NATS_IDENTITIES).configFile}\n`);
}

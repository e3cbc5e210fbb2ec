// Serves a fresh ES256 JWKS on auth.v1.jwks.get over NATS, as auth-service does, signs a pool of distinct
// access tokens with it (one user each) into a file, one a line, then prints "ready <count>" on stdout.
// Stays up until killed, so the gateway can fetch the keys.
// Usage: node token-issuer.mjs <nats url> <count> <tokens file>
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { connect, JSONCodec } from 'nats';

const [natsUrl, countText, tokensFile] = process.argv.slice(2);
const count = Number(countText);
if (!natsUrl || !tokensFile || !Number.isInteger(count) || count < 1) throw new Error('usage: token-issuer.mjs <nats url> <count> <tokens file>');
const nats = await connect({ servers: natsUrl });
const kid = `bench-${randomUUID()}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] };
const codec = JSONCodec();
nats.subscribe('auth.v1.jwks.get', { callback: (_error, message) => message.respond(codec.encode({ ok: true, data: jwks })) });
await nats.flush();
const now = Math.floor(Date.now() / 1000);
const tokens = Array.from({ length: count }, (_, i) =>
  jwt.sign({ sub: `user-${i + 1}`, email: `bench-${i + 1}@example.com`, iss: 'playbook-auth', aud: 'playbook-api', iat: now, exp: now + 3600, jti: randomUUID() }, privateKey, {
    algorithm: 'ES256',
    keyid: kid,
    header: { alg: 'ES256', typ: 'at+jwt' },
  }),
);
writeFileSync(tokensFile, `${tokens.join('\n')}\n`);
process.stdout.write(`ready ${count}\n`);

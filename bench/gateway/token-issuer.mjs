// Serves a fresh ES256 JWKS on auth.v1.jwks.get over NATS, as auth-service does, and prints one access
// token signed with it (first line of stdout). Stays up until killed, so the gateway can fetch the keys.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { connect, JSONCodec } from 'nats';

const nats = await connect({ servers: process.argv[2] });
const kid = `bench-${randomUUID()}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] };
const codec = JSONCodec();
nats.subscribe('auth.v1.jwks.get', { callback: (_error, message) => message.respond(codec.encode({ ok: true, data: jwks })) });
await nats.flush();
const now = Math.floor(Date.now() / 1000);
const claims = { sub: 'user-1', email: 'bench@example.com', iss: 'playbook-auth', aud: 'playbook-api', iat: now, exp: now + 3600, jti: randomUUID() };
process.stdout.write(`${jwt.sign(claims, privateKey, { algorithm: 'ES256', keyid: kid })}\n`);

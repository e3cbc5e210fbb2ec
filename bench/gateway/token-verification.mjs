// What one access-token check costs, in process, on distinct tokens (as a stream of different users sends them):
// jsonwebtoken's verify (what the kit used through koa-jwt), the bare ES256 signature check with the key parsed
// once, and the kit's verifyAccessToken (the bare check plus the claims). Each runs over the same tokens,
// interleaved over several rounds; the median of the rounds is printed in CPU µs per token (CPU time, not
// wall time, so other processes on a busy machine distort it less).
// Usage: node bench/gateway/token-verification.mjs [tokens, default 20000] [rounds, default 5]  (after `npx tsc -b kit`)
import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import jwt from 'jsonwebtoken';

const require = createRequire(import.meta.url);
const { verifyAccessToken, DEFAULT_TOKEN_AUDIENCE: audience, DEFAULT_TOKEN_ISSUER: issuer } = require('../../kit/dist/index.js');

const count = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const kid = 'bench';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const now = Math.floor(Date.now() / 1000);
const tokens = Array.from({ length: count }, (_, i) =>
  jwt.sign({ sub: `user-${i + 1}`, email: `bench-${i + 1}@example.com`, iss: issuer, aud: audience, iat: now, exp: now + 3600, jti: randomUUID() }, privateKey, {
    algorithm: 'ES256',
    keyid: kid,
    header: { alg: 'ES256', typ: 'at+jwt' },
  }),
);
const keys = { getKey: async (id) => (id === kid ? publicKey : undefined) };

const ways = {
  'jsonwebtoken.verify (ES256, iss, aud, leeway)': async (token) => jwt.verify(token, publicKey, { algorithms: ['ES256'], issuer, audience, clockTolerance: 30 }),
  'crypto.verify alone (ieee-p1363, KeyObject)': async (token) => {
    const dot = token.lastIndexOf('.');
    if (!verify('sha256', Buffer.from(token.slice(0, dot), 'latin1'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(token.slice(dot + 1), 'base64url'))) throw new Error('bad signature');
  },
  'verifyAccessToken (kit)': (token) => verifyAccessToken(token, { keys, issuer, audience, clockToleranceSeconds: 30 }),
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, check] of Object.entries(ways)) {
    const started = process.cpuUsage();
    for (const token of tokens) await check(token);
    const used = process.cpuUsage(started);
    results[name].push((used.user + used.system) / count);
  }
}
console.log(`${count} distinct tokens, ${rounds} rounds, ${process.version}`);
for (const [name, perToken] of Object.entries(results)) console.log(`${name}: ${median(perToken).toFixed(1)} µs per token (rounds: ${perToken.map((value) => value.toFixed(1)).join(', ')})`);

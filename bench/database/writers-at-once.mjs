// Many writers at once on the embedded database, each updating its own document in one collection (one SQLite
// file), as the saves of many users do: latency per write, p50 / p90 / p99 / max, after 5 s of warm-up.
//   node bench/database/writers-at-once.mjs <mongodb url> [writers 50] [seconds 15] [pause between writes, ms 100]
// Each writer pauses a random 0…pause ms between writes, so pause sets the rate (100: ~500–900 writes/s; 1000: ~100).
// writers-at-once.sh runs it against the project's embedded-db and, beside it, another binary.
import { MongoClient } from 'mongodb';

const [url, writers = 50, seconds = 15, pauseMs = 100] = [process.argv[2], ...process.argv.slice(3).map(Number)];
if (!url) throw new Error('usage: writers-at-once.mjs <mongodb url> [writers] [seconds] [pause ms]');
const WARM_UP_MS = 5_000;
const MAX_WRITES_PER_WRITER = 100_000;

const client = await MongoClient.connect(url, { maxPoolSize: writers * 2 });
const docs = client.db('writers_at_once').collection('docs');
await docs.deleteMany({});
await docs.insertMany(Array.from({ length: writers }, (_, i) => ({ _id: `doc${i}`, n: 0, answers: {} })));
const latencies = [];
const started = Date.now();
const end = started + seconds * 1000;
let errors = 0;
await Promise.all(
  Array.from({ length: writers }, async (_, i) => {
    for (let n = 0; n < MAX_WRITES_PER_WRITER && Date.now() < end; n++) {
      const t0 = performance.now();
      try {
        await docs.updateOne({ _id: `doc${i}` }, { $set: { [`answers.f${n % 20}`]: 'x'.repeat(120), n } });
      } catch {
        errors++;
      }
      if (Date.now() - started > WARM_UP_MS) latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, pauseMs * Math.random()));
    }
  }),
);
await client.close();
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
const rate = latencies.length / (seconds - WARM_UP_MS / 1000);
console.log(`${writers} writers, pause ≤ ${pauseMs} ms: ${latencies.length} writes (${rate.toFixed(0)}/s), ${errors} errors; p50 ${at(0.5)} · p90 ${at(0.9)} · p99 ${at(0.99)} · max ${latencies.at(-1).toFixed(0)} ms`);

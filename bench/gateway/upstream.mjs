// The benchmark's stand-in service: answers every request with the same 1 KB JSON body, keep-alive on.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const body = Buffer.from(JSON.stringify({ id: 'user-1', email: 'bench@example.com', padding: 'x'.repeat(1024 - 58) }));
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`upstream on ${port}, ${body.length} bytes\n`));

// The least a Node proxy hop can be, for comparing upstream clients: no framework, no checks, hop-by-hop
// headers dropped only as far as undici requires. Usage: node bare-proxy.mjs <port> <upstream port> <client>
// with <client> one of node-http (Agent + request, pipe both ways), undici-request (Pool.request, its body
// piped) or undici-dispatch (Pool.dispatch, chunks written from the handler; what the gateway uses).
import { Agent, createServer, request } from 'node:http';
import { Pool } from 'undici';

const [port, upstreamPort] = process.argv.slice(2, 4).map(Number);
const client = process.argv[4];
const upstream = `http://127.0.0.1:${upstreamPort}`;
const bodyOf = (req) => (req.method === 'GET' || req.method === 'HEAD' ? null : req);
const forwardable = (headers) => {
  const copy = { ...headers };
  for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'expect']) delete copy[name];
  return copy;
};

const handlers = {
  'node-http': () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
    return (req, res) => {
      const proxyReq = request({ agent, hostname: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (response) => {
        res.writeHead(response.statusCode, forwardable(response.headers));
        response.pipe(res);
      });
      req.pipe(proxyReq);
    };
  },
  'undici-request': () => {
    const pool = new Pool(upstream, { connections: 256 });
    return async (req, res) => {
      const { statusCode, headers, body } = await pool.request({ path: req.url, method: req.method, headers: forwardable(req.headers), body: bodyOf(req) });
      res.writeHead(statusCode, forwardable(headers));
      body.pipe(res);
    };
  },
  'undici-dispatch': () => {
    const pool = new Pool(upstream, { connections: 256 });
    return (req, res) => {
      pool.dispatch(
        { path: req.url, method: req.method, headers: forwardable(req.headers), body: bodyOf(req) },
        {
          onRequestStart: () => {}, // names the handler API undici 7+ calls (without it, the legacy one)
          onResponseStart: (_controller, statusCode, headers) => res.writeHead(statusCode, forwardable(headers)),
          onResponseData: (_controller, chunk) => res.write(chunk),
          onResponseEnd: () => res.end(),
          onResponseError: (_controller, error) => res.destroy(error),
        },
      );
    };
  },
};

if (!handlers[client]) throw new Error(`client must be one of ${Object.keys(handlers).join(', ')}`);
createServer(handlers[client]()).listen(port, '127.0.0.1', () => process.stdout.write(`bare ${client} proxy on ${port}\n`));

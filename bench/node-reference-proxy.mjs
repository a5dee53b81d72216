// The floor for a proxy written in Node: an HTTP server that forwards each GET to the apiserver
// over an undici Pool, through the same dispatch API the console forwards with, and answers in
// one write. No authentication, authorization, header filtering, logging or metrics. The proxy
// benchmark runs it beside `kubectl proxy`, so the console's cost splits into what Node costs
// and what the console's own work costs.
// Usage: node node-reference-proxy.mjs   (env: SIM_URL, SIM_TOKEN, SIM_CA)
import http from 'node:http';
import { Pool } from 'undici';

const pool = new Pool(process.env.SIM_URL, { connect: { ca: process.env.SIM_CA } });
const authorization = `Bearer ${process.env.SIM_TOKEN}`;

const server = http.createServer((req, res) => {
  const chunks = [];
  let statusCode = 502;
  let headers = [];
  pool.dispatch(
    { method: 'GET', path: req.url, headers: { authorization, accept: req.headers.accept ?? '*/*' } },
    {
      onConnect() {},
      onHeaders(status, raw) {
        statusCode = status;
        // writeHead takes a flat [name, value, ...] list; the apiserver's headers pass as they are
        headers = raw.map((b) => b.toString('latin1'));
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        res.writeHead(statusCode, headers).end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      },
      onError(err) {
        if (!res.headersSent) res.writeHead(502).end(String(err));
        else res.destroy();
      },
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(`node reference proxy listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));

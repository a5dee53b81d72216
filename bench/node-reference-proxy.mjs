// The floor for a proxy written in Node: an HTTP server that forwards each GET to the apiserver
// over an undici Pool (the console's own client) and answers in one write. No authentication,
// authorization, logging or metrics. The proxy benchmark runs it beside `kubectl proxy`, so the
// console's cost splits into what Node costs and what the console's own work costs.
// Usage: node node-reference-proxy.mjs   (env: SIM_URL, SIM_TOKEN, SIM_CA)
import http from 'node:http';
import { Pool } from 'undici';

const pool = new Pool(process.env.SIM_URL, { connect: { ca: process.env.SIM_CA } });
const authorization = `Bearer ${process.env.SIM_TOKEN}`;

const server = http.createServer(async (req, res) => {
  try {
    const upstream = await pool.request({ method: 'GET', path: req.url, headers: { authorization, accept: req.headers.accept ?? '*/*' } });
    const body = Buffer.from(await upstream.body.arrayBuffer());
    res.writeHead(upstream.statusCode, { 'content-type': upstream.headers['content-type'], 'content-length': body.length });
    res.end(body);
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
});
server.listen(0, '127.0.0.1', () => console.log(`node reference proxy listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));

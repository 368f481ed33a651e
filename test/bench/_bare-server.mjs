// The baseline for test/bench/ack.ts: a bare express endpoint that reads the
// body and answers 200 at once, without verifying or storing anything. A plain
// Node process, like `node dist/cli.js serve`. Not a benchmark itself (the
// leading "_" keeps scripts/bench.mjs from running it).
// With --plain it is the same endpoint on node:http alone, no express: the
// like-for-like baseline for hookdock's receiver fast path, which skips express
// for a plain POST /hooks/:id.
import express from 'express';
import { createServer } from 'node:http';

const plain = process.argv.includes('--plain');
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
let n = 0;
app.post('/hooks/:sourceId', express.raw({ type: () => true, limit: '5mb' }), (_req, res) => {
  res.status(200).json({ id: `evt_${++n}`, duplicate: false });
});
app.get('/healthz', (_req, res) => res.json({ ok: true }));
const plainHandler = (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    Buffer.concat(chunks);
    const body = JSON.stringify(req.method === 'POST' ? { id: `evt_${++n}`, duplicate: false } : { ok: true });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
};
const server = (plain ? createServer(plainHandler) : createServer(app)).listen(0, '127.0.0.1', () => {
  process.stdout.write(`Receiver:  http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

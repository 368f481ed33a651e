// The baseline for test/bench/ack.ts: a bare express endpoint that reads the
// body and answers 200 at once, without verifying or storing anything. A plain
// Node process, like `node dist/cli.js serve`. Not a benchmark itself (the
// leading "_" keeps scripts/bench.mjs from running it).
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
let n = 0;
app.post('/hooks/:sourceId', express.raw({ type: () => true, limit: '5mb' }), (_req, res) => {
  res.status(200).json({ id: `evt_${++n}`, duplicate: false });
});
app.get('/healthz', (_req, res) => res.json({ ok: true }));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Receiver:  http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

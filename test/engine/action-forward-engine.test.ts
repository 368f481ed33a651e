// The forward action through the whole real engine: a Shopify-signed request over real HTTP
// to the receiver on port 0, the automation forwards it through the outbox to a real HTTP
// server, and the event page (getEvent) lists the delivery. The body the receiver got is the
// body the owner's URL gets, byte for byte, id beyond 2^53 and all.
import { createHmac, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';

const SHOP_SECRET = 'shopify-test-secret-0123';
const FORWARD_SECRET = 'whsec_' + Buffer.from('forward-through-the-engine-secret').toString('base64');

let dir: string;
let engine: Engine | null = null;
let server: Server | null = null;
let logger: ReturnType<typeof memoryLogger>;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-forward-engine-');
  logger = memoryLogger();
});
afterEach(async () => {
  await engine?.stop();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  engine = null;
  server = null;
  await removeDir(dir);
});

it('a signed Shopify order is forwarded byte for byte, signed, and shown on the event page', async () => {
  let arrived!: (r: { headers: IncomingHttpHeaders; body: Buffer }) => void;
  const received = new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((ok) => (arrived = ok));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.end('thanks');
      arrived({ headers: req.headers, body: Buffer.concat(chunks) });
    });
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/agent`;

  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources: [{ id: 'shop', provider: 'shopify', secret: SHOP_SECRET }],
      automations: [
        {
          id: 'to-agent',
          source: 'shop',
          events: ['orders/create'],
          action: { kind: 'forward', url, secret: FORWARD_SECRET, headers: ['X-Shopify-Topic'] },
        },
      ],
      tunnel: { provider: 'none' },
    }),
  );
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger, version: '9.9.9-test' });
  await engine.start();

  const body = '{"id":820982911946155508,"name":"#1042","total_price":"59.00","customer":{"first_name":"Zoë"}}';
  const res = await fetch(`${engine.receiverUrl()}/hooks/shop`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Hmac-Sha256': createHmac('sha256', SHOP_SECRET).update(body).digest('base64'),
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Event-Id': randomUUID(),
      'X-Shopify-Webhook-Id': randomUUID(),
    },
  });
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };

  const got = await received;
  expect(got.body.equals(Buffer.from(body, 'utf8'))).toBe(true);
  expect(got.headers['x-shopify-topic']).toBe('orders/create');
  expect(got.headers['x-shopify-hmac-sha256']).toBeUndefined();
  const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
  expect(() => new Webhook(FORWARD_SECRET).verify(got.body.toString('utf8'), headers)).not.toThrow();

  // The event page: the run's forward attempt and the delivery it queued.
  const e = engine;
  const settled = async () => {
    const ev = await e.handlers.getEvent({ id });
    return ev.deliveries.some((d) => d.status === 'delivered') && ev.runs[0]?.status === 'succeeded' ? ev : null;
  };
  let event = await settled();
  while (!event) {
    // Subscribed before looking again, so no change between the look and the wait is missed.
    const changed = new Promise<void>((ok) => {
      const offs = [e.bus.on('delivery.updated', done), e.bus.on('run.updated', done)];
      function done() {
        offs.forEach((off) => off());
        ok();
      }
    });
    event = await settled();
    if (!event) await changed;
  }
  const [delivery] = event.deliveries;
  expect(delivery).toMatchObject({ destinationId: url, status: 'delivered', type: 'orders/create' });
  expect(event.runs[0].attempts[0]).toMatchObject({ kind: 'forward', result: { deliveryId: delivery.id } });
  // The forward's secret is nowhere in what the dashboard gets, nor in the log.
  expect(JSON.stringify(event)).not.toContain(FORWARD_SECRET);
  expect(JSON.stringify(await engine.handlers.getConfig(undefined as never))).not.toContain(FORWARD_SECRET);
  expect(logger.lines.join('\n')).not.toContain(FORWARD_SECRET);
});

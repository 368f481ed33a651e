// Issue #10 kinds 1-3 end to end: the real engine on port 0, signed requests
// over real HTTP (the lean fast path with a Content-Length, and the express
// path with a chunked body), real scripts. Each genuine delivery is stored and
// runs exactly once; exact retries are duplicates.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config';
import type { Run } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine } from '../../electron/engine/types';
import { memoryLogger } from '../../electron/engine/util/logger';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { script } from './automations-harness';

const SVIX_SECRET = 'whsec_' + Buffer.from('svix-engine-test-key-0123456789').toString('base64');
const SOURCES: ConfigInput['sources'] = [
  { id: 'store', provider: 'woocommerce', secret: 'wc-secret' },
  { id: 'shop', provider: 'shopify', secret: 'shop-secret' },
  // Configured without the trailing slash Square's subscription URL has.
  { id: 'pos', provider: 'square', secret: 'sq-key', notificationUrl: 'https://my.domain/hooks/pos' },
  { id: 'repo', provider: 'github', secret: 'gh-secret' },
  { id: 'crm', provider: 'standard-webhooks', secret: SVIX_SECRET },
  {
    id: 'forms',
    provider: 'hmac',
    secret: 'form-secret',
    hmac: { header: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    eventType: { header: 'X-Event' },
    eventId: { jsonPath: '$.order.id' },
  },
];
const report = (id: string, source: string) => ({
  id,
  name: id,
  enabled: true,
  source,
  events: ['*'],
  run: { command: script('report.mjs'), args: [], cwd: null, timeoutSeconds: 60 },
});

let dir: string;
let engine: Engine;
const runs = new Map<string, Run>();
const waiters: (() => void)[] = [];

beforeAll(async () => {
  dir = await makeTempDir();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      sources: SOURCES,
      automations: [report('woo-report', 'store'), report('gh-report', 'repo')],
      tunnel: { provider: 'none' },
      limits: { ratePerSecond: 1000, burst: 1000 },
    }),
  );
  engine = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger(), version: '9.9.9-test' });
  engine.bus.on('run.updated', (run) => {
    runs.set(run.id, run);
    for (const wake of waiters.splice(0)) wake();
  });
  await engine.start();
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await removeDir(dir);
});

/** Resolves when `done` holds over the runs seen on the bus: woken by run.updated, never polled. */
async function runsWhere(done: (all: Run[]) => boolean): Promise<Run[]> {
  for (;;) {
    const all = [...runs.values()];
    if (done(all)) return all;
    await new Promise<void>((wake) => waiters.push(wake));
  }
}

type Answer = { status: number; json: { id?: string; duplicate?: boolean; error?: { message: string } } };

/** POSTs over node:http: with a Content-Length (the fast path) or chunked (the express path). */
function post(path: string, body: string, headers: Record<string, string>, chunked = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { ...headers };
    if (!chunked) h['Content-Length'] = Buffer.byteLength(body);
    const req = request(`${engine.receiverUrl()}${path}`, { method: 'POST', headers: h }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes without a length: Transfer-Encoding: chunked, which the fast path leaves to express.
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      req.end(body.slice(half));
    } else req.end(body);
  });
}

const b64 = (secret: string, ...parts: string[]) => {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest('base64');
};
const scriptPayload = (run: Run) =>
  (JSON.parse(run.attempts[0].stdout.split('\n')[1]) as { report: { stdin: { payload: unknown } } }).report.stdin
    .payload;

describe('kind 1: a duplicate key that is not unique per event', () => {
  it('stores and runs three WooCommerce deliveries of webhook 7 sharing one delivery id; an exact retry is a duplicate', async () => {
    const deliveryId = 'b3e1f0c2d4a5968778695a4b3c2d1e0f';
    const send = (order: number, status: string, chunked = false) => {
      const body = JSON.stringify({ id: order, number: String(order), status, total: '59.00' });
      return post(
        '/hooks/store',
        body,
        {
          'Content-Type': 'application/json',
          'X-WC-Webhook-Source': 'https://shop.example.com/',
          'X-WC-Webhook-Topic': 'order.updated',
          'X-WC-Webhook-Resource': 'order',
          'X-WC-Webhook-Event': 'updated',
          'X-WC-Webhook-ID': '7',
          'X-WC-Webhook-Delivery-ID': deliveryId,
          'X-WC-Webhook-Signature': b64('wc-secret', body),
        },
        chunked,
      );
    };
    const answers = [
      await send(1042, 'processing'),
      await send(1042, 'completed'),
      await send(1043, 'completed', true),
    ];
    for (const a of answers) expect(a).toMatchObject({ status: 200, json: { duplicate: false } });
    const ids = answers.map((a) => a.json.id!);
    expect(new Set(ids).size).toBe(3);

    const retry = await send(1042, 'completed', true);
    expect(retry).toEqual({ status: 200, json: { id: ids[1], duplicate: true } });

    const done = await runsWhere((all) =>
      ids.every((id) => all.some((r) => r.eventId === id && r.status === 'succeeded')),
    );
    const payloads = ids.map((id) => scriptPayload(done.find((r) => r.eventId === id && r.status === 'succeeded')!));
    expect(payloads).toEqual([
      { id: 1042, number: '1042', status: 'processing', total: '59.00' },
      { id: 1042, number: '1042', status: 'completed', total: '59.00' },
      { id: 1043, number: '1043', status: 'completed', total: '59.00' },
    ]);
    // One run per event: the retry ran nothing.
    expect(done.filter((r) => ids.includes(r.eventId))).toHaveLength(3);
    const second = await engine.handlers.getEvent({ id: ids[1] });
    expect(second).toMatchObject({ providerEventId: deliveryId, redeliveries: 1 });
  }, 120_000);

  it('keeps the exact digits of a JSON-path id beyond 2^53: two ids, two events; a retry is a duplicate', async () => {
    const send = (digits: string) => {
      const body = `{"order":{"id":${digits},"total":"12.00"}}`;
      return post('/hooks/forms', body, {
        'Content-Type': 'application/json',
        'X-Event': 'order.paid',
        'X-Signature': 'sha256=' + createHmac('sha256', 'form-secret').update(body).digest('hex'),
      });
    };
    const a = await send('9007199254740993');
    const b = await send('9007199254740992');
    expect(a.json.duplicate).toBe(false);
    expect(b.json.duplicate).toBe(false);
    expect(a.json.id).not.toBe(b.json.id);
    expect(await send('9007199254740993')).toEqual({ status: 200, json: { id: a.json.id, duplicate: true } });
    expect((await engine.handlers.getEvent({ id: a.json.id! })).providerEventId).toBe('9007199254740993');
  });
});

describe('kind 2: Square signs the URL it posted to, as received', () => {
  const body = (eventId: string) => JSON.stringify({ event_id: eventId, type: 'payment.updated', data: { id: 'p1' } });

  for (const chunked of [false, true]) {
    const path = chunked ? 'express path' : 'fast path';
    it(`accepts a subscription URL with a trailing slash and one with a query string (${path})`, async () => {
      for (const [suffix, id] of [
        ['/', `slash-${path}`],
        ['?location=L1&v=2', `query-${path}`],
      ]) {
        const text = body(id);
        const signature = b64('sq-key', `https://my.domain/hooks/pos${suffix}`, text);
        const res = await post(
          `/hooks/pos${suffix}`,
          text,
          { 'Content-Type': 'application/json', 'X-Square-Hmacsha256-Signature': signature },
          chunked,
        );
        expect(res, `${suffix}: ${JSON.stringify(res.json)}`).toMatchObject({
          status: 200,
          json: { duplicate: false },
        });
        expect((await engine.handlers.getEvent({ id: res.json.id! })).providerEventId).toBe(id);
      }
    });
  }

  it('still refuses a signature over another query than the one received', async () => {
    const text = body('wrong-query');
    const signature = b64('sq-key', 'https://my.domain/hooks/pos?location=L2', text);
    const res = await post('/hooks/pos?location=L1', text, {
      'Content-Type': 'application/json',
      'X-Square-Hmacsha256-Signature': signature,
    });
    expect(res.status).toBe(401);
    expect(res.json.error?.message).toContain('https://my.domain/hooks/pos?location=L1');
  });
});

describe('kind 3: documented delivery formats', () => {
  for (const chunked of [false, true]) {
    it(`accepts GitHub's form delivery, verified over the raw form bytes, payload from its field (${chunked ? 'express' : 'fast'} path)`, async () => {
      const json = JSON.stringify({ action: 'labeled', issue: { number: 7, title: 'Refund £5 & more' } });
      const form = 'payload=' + encodeURIComponent(json);
      const delivery = `form-${chunked}`;
      const res = await post(
        '/hooks/repo',
        form,
        {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-GitHub-Event': 'issues',
          'X-GitHub-Delivery': delivery,
          'X-GitHub-Hook-ID': '42',
          'X-Hub-Signature-256': await githubSign('gh-secret', form),
        },
        chunked,
      );
      expect(res).toMatchObject({ status: 200, json: { duplicate: false } });
      const event = await engine.handlers.getEvent({ id: res.json.id! });
      expect(event).toMatchObject({
        type: 'issues.labeled',
        providerEventId: delivery,
        body: { text: form },
        payload: JSON.parse(json),
        verification: { ok: true, reason: null },
      });
      const [run] = await runsWhere((all) =>
        all.some((r) => r.eventId === res.json.id && r.status === 'succeeded'),
      ).then((all) => all.filter((r) => r.eventId === res.json.id && r.status === 'succeeded'));
      expect(scriptPayload(run)).toEqual(JSON.parse(json));
    }, 120_000);
  }

  it("accepts a Shopify XML subscription's delivery, its text as the payload", async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<order><id type="integer">820982911946154508</id></order>';
    const res = await post('/hooks/shop', xml, {
      'Content-Type': 'application/xml',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Event-Id': 'ev-xml-1',
      'X-Shopify-Hmac-Sha256': b64('shop-secret', xml),
    });
    expect(res).toMatchObject({ status: 200, json: { duplicate: false } });
    expect(await engine.handlers.getEvent({ id: res.json.id! })).toMatchObject({
      type: 'orders/create',
      body: { text: xml },
      payload: xml,
      verification: { ok: true },
    });
  });

  it('accepts a Standard Webhooks sender using the svix-* header family', async () => {
    const text = JSON.stringify({ type: 'email.delivered', data: { id: 'em_7' } });
    const now = new Date();
    const res = await post('/hooks/crm', text, {
      'Content-Type': 'application/json',
      'svix-id': 'msg_svix_1',
      'svix-timestamp': String(Math.floor(now.getTime() / 1000)),
      'svix-signature': new Webhook(SVIX_SECRET).sign('msg_svix_1', now, text),
    });
    expect(res).toMatchObject({ status: 200, json: { duplicate: false } });
    expect(await engine.handlers.getEvent({ id: res.json.id! })).toMatchObject({
      type: 'email.delivered',
      providerEventId: 'msg_svix_1',
    });
  });
});

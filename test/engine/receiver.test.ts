// The real receiver (express on port 0) over the real store in a temp dir.
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiverApp, REJECTED_STORED_PER_MINUTE } from '../../electron/engine/receiver/app';
import { createStore, StoreWriteError, type Store } from '../../electron/engine/store';
import { createBus } from '../../electron/engine/util/bus';
import type { Clock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { configSchema, type ConfigInput } from '../../shared/config';
import type { PushEventName } from '../../shared/events';
import type { EventSummary } from '../../shared/types';

const SOURCES: ConfigInput['sources'] = [
  { id: 'shop', provider: 'shopify', secret: 'shop-secret' },
  { id: 'payments', provider: 'stripe', secret: 'whsec_pay' },
  { id: 'pos', provider: 'square', secret: 'sq-key' },
  { id: 'store', provider: 'woocommerce', secret: 'wc-secret' },
  { id: 'open', provider: 'none' },
];
const PUBLIC_URL = 'https://abc.ngrok.app';

interface Harness {
  base: string;
  store: Store;
  accepted: EventSummary[];
  pushed: { name: PushEventName; payload: unknown }[];
  logger: ReturnType<typeof memoryLogger>;
  clock: Clock & { t: number };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(
  opts: {
    limits?: Partial<NonNullable<ConfigInput['limits']>>;
    wrapStore?: (s: Store) => Store;
    faults?: { beforeSync?: () => void };
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'hookdock-receiver-'));
  const logger = memoryLogger();
  const realStore = createStore({ dataDir: dir, logger, faults: opts.faults });
  await realStore.open();
  const store = opts.wrapStore ? opts.wrapStore(realStore) : realStore;
  const config = configSchema.parse({
    sources: SOURCES,
    limits: { maxBodyBytes: 5 * 1024 * 1024, ratePerSecond: 200, burst: 1000, concurrency: 4, ...opts.limits },
  });
  const bus = createBus();
  const pushed: Harness['pushed'] = [];
  bus.onAny((name, payload) => pushed.push({ name, payload }));
  const accepted: EventSummary[] = [];
  const clock = { t: Date.now(), now: () => clock.t, setTimeout, clearTimeout } as unknown as Clock & { t: number };
  const app = createReceiverApp({
    store,
    bus,
    logger,
    clock,
    getConfig: () => config,
    publicUrl: () => PUBLIC_URL,
    receiverUrl: () => 'http://127.0.0.1:1',
    onAccepted: (s) => accepted.push(s),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await realStore.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, store, accepted, pushed, logger, clock };
}

const shopHeaders = (body: string | Buffer, eventId = 'e-1') => ({
  'content-type': 'application/json',
  'x-shopify-topic': 'orders/create',
  'x-shopify-event-id': eventId,
  'x-shopify-hmac-sha256': createHmac('sha256', 'shop-secret').update(body).digest('base64'),
});
const ORDER = JSON.stringify({
  name: '#1042',
  total_price: '59.00',
  currency: 'USD',
  customer: { first_name: 'Jane', last_name: 'Doe' },
});

async function post(h: Harness, path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}) {
  const payload = Buffer.isBuffer(body) ? new Uint8Array(body) : body;
  const res = await fetch(h.base + path, { method: 'POST', body: payload, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

describe('receiver: accepted events', () => {
  it('answers 200 after storing, keeps the body byte for byte, summarizes, notifies once', async () => {
    const h = await start();
    const res = await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: expect.stringMatching(/^evt_/), duplicate: false });
    expect(res.headers.get('x-powered-by')).toBeNull();
    const ev = await h.store.getEvent(res.json.id);
    expect(ev).toMatchObject({
      source: 'shop',
      provider: 'shopify',
      type: 'orders/create',
      status: 'received',
      providerEventId: 'e-1',
      verification: { ok: true, reason: null },
      body: { text: ORDER },
      summary: 'Order #1042 — $59.00 — Jane Doe',
      sizeBytes: Buffer.byteLength(ORDER),
      redeliveries: 0,
      replayOf: null,
    });
    expect(ev!.payload).toEqual(JSON.parse(ORDER));
    expect(ev!.headers['x-shopify-topic']).toBe('orders/create');
    expect(h.accepted.map((s) => s.id)).toEqual([res.json.id]);
    expect(h.pushed.filter((p) => p.name === 'event.created')).toHaveLength(1);
  });

  it('keeps a non-UTF-8 binary body as base64, exactly', async () => {
    const h = await start();
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0xc3, 0x28, 0x0a, 0x0d]);
    const res = await post(h, '/hooks/open', bytes, { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(200);
    const ev = await h.store.getEvent(res.json.id);
    expect('base64' in ev!.body && Buffer.from(ev!.body.base64, 'base64').equals(bytes)).toBe(true);
    expect(ev!.providerEventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ev!.verification.reason).toMatch(/^This source is not signed/);
  });

  it('keeps a form-encoded body as text, with the text as payload', async () => {
    const h = await start();
    const form = 'name=Jane+Doe&email=jane%40example.com&note=%C3%A9t%C3%A9';
    const res = await post(h, '/hooks/open', form, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    const ev = await h.store.getEvent(res.json.id);
    expect(ev!.body).toEqual({ text: form });
    expect(ev!.payload).toBe(form);
  });

  it('accepts an empty body on an unsigned source', async () => {
    const h = await start();
    const res = await post(h, '/hooks/open', undefined);
    expect(res.status).toBe(200);
    expect((await h.store.getEvent(res.json.id))!.body).toEqual({ text: '' });
  });

  it('verifies Square against the public URL + /hooks/<id>', async () => {
    const h = await start();
    const body = JSON.stringify({ type: 'payment.created', event_id: 'sq-1', data: {} });
    const sig = createHmac('sha256', 'sq-key')
      .update(PUBLIC_URL + '/hooks/pos' + body)
      .digest('base64');
    const res = await post(h, '/hooks/pos', body, { 'x-square-hmacsha256-signature': sig });
    expect(res.status).toBe(200);
    expect(h.store.getEventSummary(res.json.id)).toMatchObject({ type: 'payment.created', providerEventId: 'sq-1' });
  });

  it('stores a redelivery once, answers duplicate:true with the first id, runs nothing new', async () => {
    const h = await start();
    const first = await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER, 'same'));
    const again = await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER, 'same'));
    expect(again).toMatchObject({ status: 200, json: { id: first.json.id, duplicate: true } });
    expect(h.store.listEvents({ source: 'shop', limit: 10 }).items).toHaveLength(1);
    expect(h.store.getEventSummary(first.json.id)!.redeliveries).toBe(1);
    expect(h.accepted).toHaveLength(1);
    const updated = h.pushed.filter((p) => p.name === 'event.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0].payload).toMatchObject({ id: first.json.id, redeliveries: 1 });
  });
});

describe('receiver: rejections', () => {
  it('401 for a bad signature, stored as rejected with its reason, never onAccepted', async () => {
    const h = await start();
    const res = await post(h, '/hooks/shop', ORDER, { ...shopHeaders(ORDER), 'x-shopify-hmac-sha256': 'AAAA' });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('bad_signature');
    expect(res.json.error.message).toContain('The Shopify signature did not match');
    const [item] = h.store.listEvents({ source: 'shop', limit: 10 }).items;
    expect(item).toMatchObject({
      status: 'rejected',
      type: 'orders/create',
      verification: { ok: false, reason: res.json.error.message },
    });
    expect(h.accepted).toHaveLength(0);
    expect(h.pushed.find((p) => p.name === 'event.created')?.payload).toMatchObject({ status: 'rejected' });
  });

  it('401 for missing headers, with the header named', async () => {
    const h = await start();
    const res = await post(h, '/hooks/payments', '{"id":"evt_1","type":"charge.refunded"}', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toContain('missing header Stripe-Signature');
    expect(h.store.listEvents({ source: 'payments', limit: 10 }).items[0]).toMatchObject({
      type: 'charge.refunded',
      status: 'rejected',
    });
  });

  it('400 for a correctly signed body that is not JSON, from a JSON-only provider; stored as rejected', async () => {
    const h = await start();
    const body = '{"id":"evt_1", "type": ';
    const sig = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
      payload: body,
      secret: 'whsec_pay',
      timestamp: Math.floor(h.clock.t / 1000),
    });
    const res = await post(h, '/hooks/payments', body, { 'stripe-signature': sig });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_json');
    expect(res.json.error.message).toContain('not valid JSON');
    const [item] = h.store.listEvents({ source: 'payments', limit: 10 }).items;
    expect(item.status).toBe('rejected');
    expect(h.accepted).toHaveLength(0);
  });

  it("answers WooCommerce's unsigned ping 200, stored as rejected, running nothing", async () => {
    const h = await start();
    const res = await post(h, '/hooks/store', 'webhook_id=12', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(h.store.getEventSummary(res.json.id)).toMatchObject({ status: 'rejected', type: 'ping' });
    expect(h.accepted).toHaveLength(0);
  });

  it('stores at most the per-minute budget of rejected requests per source, answering all 401', async () => {
    const h = await start();
    const statuses: number[] = [];
    for (let i = 0; i < REJECTED_STORED_PER_MINUTE + 15; i++) {
      statuses.push((await post(h, '/hooks/shop', `{"n":${i}}`, { 'x-shopify-hmac-sha256': 'bad' })).status);
    }
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(h.store.listEvents({ source: 'shop', limit: 500 }).items).toHaveLength(REJECTED_STORED_PER_MINUTE);
    expect(h.logger.lines.some((l) => l.includes('not stored so far'))).toBe(true);
    h.clock.t += 60_000; // a minute later the budget is back
    await post(h, '/hooks/shop', '{}', { 'x-shopify-hmac-sha256': 'bad' });
    expect(h.store.listEvents({ source: 'shop', limit: 500 }).items).toHaveLength(REJECTED_STORED_PER_MINUTE + 1);
  });

  it('stores rejected bodies up to a byte budget per minute, too', async () => {
    const h = await start();
    const big = 'x'.repeat(3 * 1024 * 1024);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await post(h, '/hooks/shop', big + i, { 'x-shopify-hmac-sha256': 'bad' })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    // 8 MiB a minute: two 3 MiB bodies fit, the third would not.
    expect(h.store.listEvents({ source: 'shop', limit: 10 }).items).toHaveLength(2);
  });

  it('404 JSON for an unknown source', async () => {
    const h = await start();
    const res = await post(h, '/hooks/nope', '{}');
    expect(res).toMatchObject({ status: 404, json: { error: { code: 'unknown_source' } } });
  });

  it('413 over the body limit, nothing stored', async () => {
    const h = await start({ limits: { maxBodyBytes: 1024 } });
    const res = await post(h, '/hooks/open', 'x'.repeat(2048), { 'content-type': 'text/plain' });
    expect(res).toMatchObject({ status: 413, json: { error: { code: 'too_large' } } });
    expect(h.store.listEvents({ limit: 10 }).items).toHaveLength(0);
    expect((await post(h, '/hooks/open', 'x'.repeat(1024))).status).toBe(200);
  });

  it('429 with Retry-After past the burst, per source', async () => {
    const h = await start({ limits: { ratePerSecond: 1, burst: 3 } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post(h, '/hooks/open', `{"i":${i}}`)).status);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await post(h, '/hooks/open', '{}');
    expect(limited.json.error.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER))).status).toBe(200); // another source has its own bucket
    h.clock.t += 1000;
    expect((await post(h, '/hooks/open', '{"later":1}')).status).toBe(200);
  });
});

describe('receiver: store failures', () => {
  it('503 with Retry-After when the disk refuses (fsync fails), then 200 when it recovers', async () => {
    let failing = false;
    const h = await start({
      faults: {
        beforeSync: () => {
          if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      },
    });
    failing = true;
    const res = await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER, 'disk-1'));
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('store_unavailable');
    expect(res.headers.get('retry-after')).toBe('10');
    expect(h.accepted).toHaveLength(0);
    failing = false;
    const retried = await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER, 'disk-1'));
    expect(retried).toMatchObject({ status: 200, json: { duplicate: false } });
    expect(h.accepted).toHaveLength(1);
  });

  it('503 when appendEvent throws StoreWriteError; a rejected request still gets its 401', async () => {
    const h = await start({
      wrapStore: (s) =>
        Object.assign(Object.create(s) as Store, {
          appendEvent: async () => {
            throw new StoreWriteError('disk full');
          },
        }),
    });
    expect((await post(h, '/hooks/shop', ORDER, shopHeaders(ORDER))).status).toBe(503);
    expect((await post(h, '/hooks/shop', ORDER, { 'x-shopify-hmac-sha256': 'bad' })).status).toBe(401);
    expect(h.pushed).toHaveLength(0);
    expect(h.logger.lines.some((l) => l.includes('could not store a rejected request'))).toBe(true);
  });
});

describe('receiver: everything else', () => {
  it('GET /healthz is 200 {ok:true}; other paths and methods are 404 JSON', async () => {
    const h = await start();
    const health = await fetch(h.base + '/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/hooks/shop'],
      ['POST', '/api/status'],
      ['GET', '/index.html'],
      ['POST', '/hooks/'],
    ]) {
      const res = await fetch(h.base + path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await res.json()).error.code).toMatch(/not_found|unknown_source/);
    }
  });

  it('survives a badly encoded source id and huge headers', async () => {
    const h = await start();
    const bad = await post(h, '/hooks/%E0%A4%A', '{}');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('bad_request');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        h.base + '/hooks/open',
        { method: 'POST', headers: { 'x-huge': 'a'.repeat(64 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(431);
    expect((await fetch(h.base + '/healthz')).status).toBe(200);
  });

  it('answers 415 JSON for an unknown content-encoding', async () => {
    const h = await start();
    const res = await post(h, '/hooks/open', 'abc', { 'content-encoding': 'snappy' });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe('unsupported_encoding');
  });

  // Plain Content-Length bodies skip express (fast path); these go through express: both must answer alike.
  it('reads gzip, chunked and trailing-slash requests like plain ones, byte for byte', async () => {
    const h = await start();
    const body = '{"n":"gzip"}';
    const gz = await post(h, '/hooks/open', gzipSync(body), { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect((await h.store.getEvent(gz.json.id))!.body).toEqual({ text: body });
    const slash = await post(h, '/hooks/open/?x=1', '{"n":"slash"}');
    expect(slash.status).toBe(200);
    expect((await h.store.getEvent(slash.json.id))!.payload).toEqual({ n: 'slash' });
    const encoded = await post(h, '/hooks/%6Fpen', '{"n":"encoded"}');
    expect(encoded.status).toBe(200);
    const chunked = await new Promise<{ status: number; text: string }>((ok, fail) => {
      const req = http.request(h.base + '/hooks/open', { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', fail);
      req.write('{"n":');
      req.end('"chunked"}');
    });
    expect(chunked.status).toBe(200);
    const ev = await h.store.getEvent(JSON.parse(chunked.text).id);
    expect(ev!.body).toEqual({ text: '{"n":"chunked"}' });
    expect(h.accepted).toHaveLength(4);
  });

  it('answers the fast path with the same JSON headers as express', async () => {
    const h = await start();
    const res = await post(h, '/hooks/open', '{"a":1}');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const missing = await post(h, '/hooks/nope', '{"a":1}');
    expect(missing).toMatchObject({ status: 404, json: { error: { code: 'unknown_source' } } });
  });
});

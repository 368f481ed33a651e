// The forward action with real parts: the automations service on a real store and config file,
// the real outbox and scheduler, and a real HTTP server on 127.0.0.1 port 0 as the owner's URL.
// What arrives is checked byte for byte, its signature with the `standardwebhooks` package.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config';
import type { Delivery } from '../../shared/types';
import type { Bus } from '../../electron/engine/util/bus';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { allSettled, FAST_RETRY, SINK_SECRET, startHarness, storedEvent, type Harness } from './automations-harness';

let dir: string;
let h: Harness | undefined;
let target: Target | undefined;

beforeEach(async () => {
  dir = await makeTempDir('hookdock-forward-');
});
afterEach(async () => {
  await h?.close();
  await target?.close();
  h = undefined;
  target = undefined;
  await removeDir(dir);
});

interface Target {
  url: string;
  requests: { headers: IncomingHttpHeaders; body: Buffer }[];
  close(): Promise<void>;
}

/** The owner's endpoint: answers the given statuses in turn (the last one from then on). */
async function startTarget(statuses: number[]): Promise<Target> {
  const requests: Target['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = statuses[Math.min(requests.length, statuses.length) - 1];
      res.end('answer ' + res.statusCode);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/agent`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Resolves with the first delivery update that meets `done` (awaits the outbox's own event). */
function deliveryWhere(bus: Bus, done: (d: Delivery) => boolean): Promise<Delivery> {
  return new Promise((resolve) => {
    const off = bus.on('delivery.updated', (d) => {
      if (done(d)) {
        off();
        resolve(d);
      }
    });
  });
}

const settled = (d: Delivery) => d.status === 'delivered' || d.status === 'failed';

/** A Shopify orders/create as the receiver keeps it: its id beyond 2^53, non-ASCII text. */
const BODY = '{"id":820982911946155508,"total_price":"199.00","customer":{"first_name":"Zoë"},"note":"café ☕"}';
const shopifyOrder = () =>
  storedEvent({
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'zoe.myshopify.com',
      'x-shopify-hmac-sha256': 'c2lnbmF0dXJl',
    },
    body: { text: BODY },
    payload: JSON.parse(BODY),
  });

const config = (action: Record<string, unknown>): ConfigInput =>
  ({
    automations: [{ id: 'to-agent', source: 'shop', events: ['orders/*'], action, retry: FAST_RETRY }],
    tunnel: { provider: 'none' },
  }) as ConfigInput;

describe('the forward action', () => {
  it('forwards the original bytes and the chosen headers, signed, and retries a 500 until a 200', async () => {
    target = await startTarget([500, 200]);
    h = await startHarness(
      dir,
      config({
        kind: 'forward',
        url: target.url,
        secret: SINK_SECRET,
        headers: ['X-Shopify-Topic', 'x-shopify-shop-domain'],
      }),
    );
    const delivered = deliveryWhere(h.bus, settled);
    const event = await h.fire(shopifyOrder());
    const [run] = await h.waitRun(event.id, allSettled);
    const delivery = await delivered;

    // The action's attempt succeeded once the delivery was queued, and says which one.
    expect(run.status).toBe('succeeded');
    expect(run.attempts[0].kind).toBe('forward');
    expect(run.attempts[0].result).toMatchObject({ deliveryId: delivery.id, url: target.url });
    // The outbox retried the 500 and delivered on the 200.
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
    expect(h.automations.deliveriesForEvent(event.id).map((d) => d.id)).toEqual([delivery.id]);
    expect(target.requests).toHaveLength(2);

    for (const req of target.requests) {
      expect(req.body.equals(Buffer.from(BODY, 'utf8'))).toBe(true); // byte for byte: 820982911946155508 intact
      expect(req.headers['x-shopify-topic']).toBe('orders/create');
      expect(req.headers['x-shopify-shop-domain']).toBe('zoe.myshopify.com');
      expect(req.headers['x-shopify-hmac-sha256']).toBeUndefined(); // not chosen: not forwarded
      expect(req.headers['content-type']).toBe('application/json');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      expect(() => new Webhook(SINK_SECRET).verify(req.body.toString('utf8'), headers)).not.toThrow();
    }
    // The same webhook-id on every retry (the receiver's idempotency key).
    expect(target.requests[0].headers['webhook-id']).toBe(target.requests[1].headers['webhook-id']);
    // Another key does not verify: the check above can fail.
    const other = 'whsec_' + Buffer.from('another-secret-another-secret!!').toString('base64');
    const headers = Object.fromEntries(Object.entries(target.requests[1].headers).map(([k, v]) => [k, String(v)]));
    expect(() => new Webhook(other).verify(target!.requests[1].body.toString('utf8'), headers)).toThrow();
  });

  it('forwards a body that is not UTF-8 byte for byte, signed over those bytes', async () => {
    target = await startTarget([200]);
    h = await startHarness(dir, config({ kind: 'forward', url: target.url, secret: SINK_SECRET }));
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x0a]);
    const delivered = deliveryWhere(h.bus, settled);
    await h.fire({
      ...shopifyOrder(),
      headers: { 'content-type': 'application/octet-stream' },
      body: { base64: bytes.toString('base64') },
      payload: null,
    });
    expect((await delivered).status).toBe('delivered');
    const [req] = target.requests;
    expect(req.body.equals(bytes)).toBe(true);
    expect(req.headers['content-type']).toBe('application/octet-stream');
    const { createHmac } = await import('node:crypto');
    const key = Buffer.from(SINK_SECRET.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key)
      .update(`${String(req.headers['webhook-id'])}.${String(req.headers['webhook-timestamp'])}.`)
      .update(bytes)
      .digest('base64');
    expect(req.headers['webhook-signature']).toBe(`v1,${mac}`);
  });

  it('sends a templated body instead when one is set, unsigned without a secret', async () => {
    target = await startTarget([200]);
    h = await startHarness(
      dir,
      config({
        kind: 'forward',
        url: target.url,
        body: '{"order":{{ payload.id }},"name":"{{ payload.customer.first_name }}","topic":"{{ headers.x-shopify-topic }}"}',
      }),
    );
    const delivered = deliveryWhere(h.bus, settled);
    await h.fire(shopifyOrder());
    expect((await delivered).status).toBe('delivered');
    const [req] = target.requests;
    expect(req.body.toString('utf8')).toBe('{"order":820982911946155508,"name":"Zoë","topic":"orders/create"}');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-signature']).toBeUndefined();
    expect(req.headers['webhook-id']).toMatch(/^msg_/);
  });

  it('stops at 410 Gone: one request, the delivery failed, no retry', async () => {
    target = await startTarget([410]);
    h = await startHarness(dir, config({ kind: 'forward', url: target.url }));
    const failed = deliveryWhere(h.bus, settled);
    const event = await h.fire(shopifyOrder());
    const delivery = await failed;
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 410 });
    expect(delivery.attempts[0].error).toMatch(/410 Gone/);
    expect(target.requests).toHaveLength(1);
    // The automation itself stays on: a forward's 410 stops its delivery only.
    expect(h.config.current().automations[0].enabled).not.toBe(false);
    const [run] = await h.waitRun(event.id, allSettled);
    expect(run.status).toBe('succeeded');
  });

  it('a forward that failed with 410 is sent again by Retry now, to the same URL with the same bytes', async () => {
    target = await startTarget([410, 200]);
    h = await startHarness(dir, config({ kind: 'forward', url: target.url, secret: SINK_SECRET }));
    const failed = deliveryWhere(h.bus, settled);
    await h.fire(shopifyOrder());
    const first = await failed;
    expect(first.status).toBe('failed');
    const delivered = deliveryWhere(h.bus, (d) => d.status === 'delivered');
    await h.automations.outbox.retryNow(first.id);
    const done = await delivered;
    expect(done.id).toBe(first.id);
    expect(done.attempts.map((a) => a.statusCode)).toEqual([410, 200]);
    expect(target.requests[1].body.equals(Buffer.from(BODY, 'utf8'))).toBe(true);
    expect(target.requests[1].headers['webhook-id']).toBe(target.requests[0].headers['webhook-id']);
  });

  it('queues one delivery per run: an attempt run again after a crash gets the same one back', async () => {
    target = await startTarget([200]);
    h = await startHarness(dir, config({ kind: 'forward', url: target.url }));
    const { id } = await h.store.appendEvent(shopifyOrder());
    const input = {
      url: target.url,
      automationId: 'to-agent',
      headers: {},
      body: { text: BODY },
      type: 'orders/create',
      eventId: id,
      runId: 'run_1',
    };
    const a = await h.automations.outbox.forward(input);
    const b = await h.automations.outbox.forward(input);
    const c = await h.automations.outbox.forward({ ...input, runId: 'run_2' });
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    expect(
      h.automations
        .deliveriesForEvent(id)
        .map((d) => d.id)
        .sort(),
    ).toEqual([a.id, c.id].sort());
  });

  it('a "Test it" run forwards nothing', async () => {
    target = await startTarget([200]);
    h = await startHarness(dir, config({ kind: 'forward', url: target.url }));
    const { id } = await h.store.appendEvent(shopifyOrder());
    const run = await h.automations.handlers.testRunAutomation({ id: 'to-agent', eventId: id });
    const [done] = await h.waitRun(id, allSettled);
    expect(done.id).toBe(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.attempts[0].result).toMatchObject({ deliveryId: null, url: target.url });
    expect(done.attempts[0].error).toMatch(/test run sends nothing/);
    expect(h.automations.deliveriesForEvent(id)).toEqual([]);
    expect(target.requests).toHaveLength(0);
  });
});

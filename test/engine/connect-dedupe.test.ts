// Issue #14, the duplicate rule with real parts: orders read back from the fake Shopify and
// WooCommerce APIs by the connectors, stored through the receiver's own parse
// (connect/recovered-event.ts) in a real store, and signed webhooks posted over real HTTP
// to the real receiver. One order change runs automations once, whichever comes first.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoveredEvent } from '../../electron/engine/connect/recovered-event';
import { shopifyConnector } from '../../electron/engine/connect/shopify';
import { woocommerceConnector } from '../../electron/engine/connect/woocommerce';
import type { ConnectorContext, Subscription } from '../../electron/engine/connect/types';
import { createReceiverApp } from '../../electron/engine/receiver/app';
import { createStore, type Store } from '../../electron/engine/store';
import { createBus } from '../../electron/engine/util/bus';
import { systemClock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { configSchema, type SourceConfig } from '../../shared/config';
import type { EventSummary } from '../../shared/types';
import { order, shopTime, startFakeShopify, type FakeShopify } from '../helpers/fake-shopify';
import { gmt, startFakeWoocommerce, wooOrder, type FakeWoocommerce } from '../helpers/fake-woocommerce';

const HOUR = 3_600_000;
const FROM = Date.now() - 6 * HOUR;
const TO = FROM + 4 * HOUR;
const config = configSchema.parse({
  sources: [
    { id: 'shop', provider: 'shopify', secret: 'shop-secret' },
    { id: 'store', provider: 'woocommerce', secret: 'wc-secret' },
  ],
});
const source = (id: string) => config.sources.find((s) => s.id === id) as SourceConfig;
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

let dir: string;
let store: Store;
let server: http.Server;
let base: string;
let accepted: EventSummary[];
let shop: FakeShopify;
let woo: FakeWoocommerce;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookdock-connect-dedupe-'));
  store = createStore({ dataDir: dir, logger: memoryLogger() });
  await store.open();
  accepted = [];
  const app = createReceiverApp({
    store,
    bus: createBus(),
    logger: memoryLogger(),
    clock: systemClock,
    getConfig: () => config,
    publicUrl: () => null,
    receiverUrl: () => 'http://127.0.0.1:1',
    onAccepted: (s) => accepted.push(s),
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  shop = await startFakeShopify();
  woo = await startFakeWoocommerce();
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([shop.close(), woo.close()]);
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(base + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, json: (await res.json()) as { id: string; duplicate: boolean } };
}

/** What the manager does with a recovery: each delivery through the receiver's parse into the store. */
async function storeRecovered(sourceId: string, sub: Subscription, ctx: ConnectorContext) {
  const connector = sourceId === 'shop' ? shopifyConnector : woocommerceConnector;
  const result = await connector.recover!(ctx, sub, { from: FROM, to: TO });
  const out: { type: string; id: string; duplicate: boolean }[] = [];
  for (const d of result.deliveries) {
    const event = recoveredEvent(source(sourceId), d, Date.now());
    expect(event).toMatchObject({ recovered: true, verification: { ok: true } });
    const stored = await store.appendEvent(event);
    out.push({ type: event.type, id: stored.id, duplicate: stored.duplicate });
  }
  return out;
}

describe('Shopify: a recovered order change and its late webhook run once', () => {
  const shopWebhook = (topic: string, body: Record<string, unknown>) => {
    // Other bytes than the REST copy: another key order, as a webhook's own serialisation may have.
    const text = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()));
    return post('/hooks/shop', text, {
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': 'my-shop.myshopify.com',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-hmac-sha256': sign('shop-secret', text),
    });
  };

  it('recovered first: the late webhook is duplicate:true and runs nothing; a later update is new', async () => {
    const ctx = { apiBase: shop.url, credential: shop.token, account: 'my-shop.myshopify.com', fetch };
    const { subscription } = await shopifyConnector.create(ctx, {
      url: 'https://abc.ngrok.app/hooks/shop',
      events: ['orders/create', 'orders/updated'],
      secret: 'unused',
    });
    const o = order(1042, FROM + HOUR);
    shop.orders.push(o);
    const recovered = await storeRecovered('shop', subscription, ctx);
    expect(recovered.map((r) => [r.type, r.duplicate])).toEqual([
      ['orders/create', false],
      ['orders/updated', false],
    ]);
    const created = (await store.getEvent(recovered[0]!.id))!;
    expect(created).toMatchObject({
      dedupeKey: 'shopify:orders/create:1042',
      resourceKey: 'shopify:orders/create:1042',
      providerEventId: 'shopify:orders/create:1042',
      summary: expect.stringContaining('#1042'),
    });

    expect(await shopWebhook('orders/create', o)).toEqual({
      status: 200,
      json: { id: recovered[0]!.id, duplicate: true },
    });
    expect(await shopWebhook('orders/updated', o)).toEqual({
      status: 200,
      json: { id: recovered[1]!.id, duplicate: true },
    });
    expect(accepted).toHaveLength(0);

    // The order changes again: a new version, a new event.
    const later = await shopWebhook('orders/updated', { ...o, updated_at: shopTime(TO + HOUR), note: 'gift' });
    expect(later.json.duplicate).toBe(false);
    expect(accepted.map((s) => s.id)).toEqual([later.json.id]);
  });

  it('webhook first: recovering the same change later is a duplicate of it', async () => {
    const ctx = { apiBase: shop.url, credential: shop.token, account: 'my-shop.myshopify.com', fetch };
    const o = order(2001, FROM - HOUR, FROM + 2 * HOUR);
    const live = await shopWebhook('orders/updated', o);
    expect(live.json.duplicate).toBe(false);
    shop.orders.push(o);
    const sub = {
      id: 'gid://shopify/WebhookSubscription/9',
      url: 'https://abc.ngrok.app/hooks/shop',
      events: ['orders/updated'],
      enabled: true,
    };
    expect(await storeRecovered('shop', sub, ctx)).toEqual([
      { type: 'orders/updated', id: live.json.id, duplicate: true },
    ]);
  });
});

describe('WooCommerce: a recovered order change and its late webhook run once', () => {
  const wooWebhook = (topic: string, body: Record<string, unknown>) => {
    const text = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()));
    return post('/hooks/store', text, {
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': topic.split('.')[1]!,
      'x-wc-webhook-id': '11',
      'x-wc-webhook-delivery-id': randomUUID().replace(/-/g, ''),
      'x-wc-webhook-signature': sign('wc-secret', text),
    });
  };

  it('recovered first, then the late webhooks (duplicates); webhook first, then recovery (duplicate); a later update is new', async () => {
    const ctx = { apiBase: woo.url, credential: woo.credential, account: 'https://shop.example.com', fetch };
    const { subscription } = await woocommerceConnector.create(ctx, {
      url: 'https://abc.ngrok.app/hooks/store',
      events: ['order.created', 'order.updated'],
      secret: 'wc-secret',
    });
    const a = wooOrder(73, FROM + HOUR);
    const b = wooOrder(74, FROM - HOUR, FROM + 2 * HOUR);
    woo.orders.push(a);
    // 74's change arrived live before the recovery.
    const live = await wooWebhook('order.updated', b);
    expect(live.json.duplicate).toBe(false);
    woo.orders.push(b);

    const recovered = await storeRecovered('store', subscription, ctx);
    expect(recovered.map((r) => [r.type, r.duplicate])).toEqual([
      ['order.created', false], // 73
      ['order.updated', false], // 73
      ['order.updated', true], // 74: the live webhook's
    ]);
    expect(recovered[2]!.id).toBe(live.json.id);
    expect((await store.getEvent(recovered[1]!.id))!.dedupeKey).toBe(
      `woocommerce:order.updated:73:${Math.floor((FROM + HOUR) / 1000)}`,
    );

    expect(await wooWebhook('order.created', a)).toEqual({
      status: 200,
      json: { id: recovered[0]!.id, duplicate: true },
    });
    expect(await wooWebhook('order.updated', a)).toEqual({
      status: 200,
      json: { id: recovered[1]!.id, duplicate: true },
    });
    const later = await wooWebhook('order.updated', { ...a, status: 'completed', date_modified_gmt: gmt(TO + HOUR) });
    expect(later.json.duplicate).toBe(false);
    expect(accepted.map((s) => s.id)).toEqual([live.json.id, later.json.id]);
  });
});

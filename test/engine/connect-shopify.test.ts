// The Shopify connector against a local fake of the Admin API (test/helpers/fake-shopify.ts):
// subscriptions made, found, changed and removed over real HTTP; the errors an owner sees;
// and orders read back after a gap as the deliveries Shopify would have sent.
import { describe, expect, it } from 'vitest';
import { shopifyConnector } from '../../electron/engine/connect/shopify';
import type { ConnectorContext } from '../../electron/engine/connect/types';
import { connectFailure, fakeApiPerTest, GAP, HOUR } from '../helpers/connect';
import { order, shopTime, startFakeShopify, type FakeShopify } from '../helpers/fake-shopify';

const URL_1 = 'https://abc.ngrok.app/hooks/shop';
const URL_2 = 'https://xyz.ngrok.app/hooks/shop';

let fake: FakeShopify;
let ctx: ConnectorContext;
fakeApiPerTest(startFakeShopify, (shop) => {
  fake = shop;
  ctx = { apiBase: shop.url, credential: shop.token, account: 'my-shop.myshopify.com', fetch };
});

describe('Shopify connector: subscriptions', () => {
  it('creates one subscription per topic at the URL, as GraphQL enums with the token; the id joins their GIDs', async () => {
    const { subscription, secret } = await shopifyConnector.create(ctx, {
      url: URL_1,
      events: ['orders/create', 'refunds/create', 'inventory_items/create'],
      secret: 'unused',
    });
    expect(secret).toBeNull(); // Shopify signs with the app's client secret: the source keeps its own
    expect(subscription).toEqual({
      id: 'gid://shopify/WebhookSubscription/1,gid://shopify/WebhookSubscription/2,gid://shopify/WebhookSubscription/3',
      url: URL_1,
      events: ['orders/create', 'refunds/create', 'inventory_items/create'],
      enabled: true,
    });
    expect([...fake.subscriptions.values()].map((s) => [s.topic, s.callbackUrl, s.format])).toEqual([
      ['ORDERS_CREATE', URL_1, 'JSON'],
      ['REFUNDS_CREATE', URL_1, 'JSON'],
      ['INVENTORY_ITEMS_CREATE', URL_1, 'JSON'],
    ]);
    const creates = fake.requests.filter((r) => r.body?.query?.includes('webhookSubscriptionCreate('));
    expect(creates.map((r) => r.body!.variables)).toContainEqual({
      topic: 'ORDERS_CREATE',
      webhookSubscription: { callbackUrl: URL_1, format: 'JSON' },
    });
    expect(fake.requests.every((r) => r.token === fake.token && r.path === '/admin/api/2025-07/graphql.json')).toBe(
      true,
    );

    // Created again (after a partial loss): the ones still there are adopted, not doubled.
    fake.subscriptions.delete('gid://shopify/WebhookSubscription/2');
    expect(await shopifyConnector.get(ctx, subscription.id)).toBeNull();
    const again = await shopifyConnector.create(ctx, { url: URL_1, events: subscription.events, secret: 'unused' });
    expect(again.subscription.id).toBe(
      'gid://shopify/WebhookSubscription/1,gid://shopify/WebhookSubscription/4,gid://shopify/WebhookSubscription/3',
    );
    expect(fake.subscriptions.size).toBe(3);
  });

  it('get: the subscription while it exists, null once Shopify removed it', async () => {
    const { subscription } = await shopifyConnector.create(ctx, {
      url: URL_1,
      events: ['orders/updated'],
      secret: 's',
    });
    expect(await shopifyConnector.get(ctx, subscription.id)).toEqual({
      id: subscription.id,
      url: URL_1,
      events: ['orders/updated'],
      enabled: true,
    });
    fake.subscriptions.clear(); // removed after 8 failed deliveries
    expect(await shopifyConnector.get(ctx, subscription.id)).toBeNull();
  });

  it('update: a new URL on every topic; topics added and removed (the id follows)', async () => {
    const { subscription } = await shopifyConnector.create(ctx, {
      url: URL_1,
      events: ['orders/create', 'orders/paid'],
      secret: 's',
    });
    const moved = await shopifyConnector.update(ctx, subscription.id, { url: URL_2 });
    expect(moved).toEqual({ ...subscription, url: URL_2 });
    expect([...fake.subscriptions.values()].map((s) => s.callbackUrl)).toEqual([URL_2, URL_2]);

    const changed = await shopifyConnector.update(ctx, moved.id, { events: ['orders/paid', 'refunds/create'] });
    expect(changed).toEqual({
      id: 'gid://shopify/WebhookSubscription/2,gid://shopify/WebhookSubscription/3',
      url: URL_2,
      events: ['orders/paid', 'refunds/create'],
      enabled: true,
    });
    expect([...fake.subscriptions.values()].map((s) => [s.topic, s.callbackUrl])).toEqual([
      ['ORDERS_PAID', URL_2],
      ['REFUNDS_CREATE', URL_2],
    ]);
    // Shopify has no "enabled": asking for it changes nothing.
    expect(await shopifyConnector.update(ctx, changed.id, { enabled: true })).toEqual(changed);
  });

  it('delete removes every topic, and deleting what is gone is fine', async () => {
    const { subscription } = await shopifyConnector.create(ctx, {
      url: URL_1,
      events: ['orders/create', 'orders/updated'],
      secret: 's',
    });
    await shopifyConnector.delete(ctx, subscription.id);
    expect(fake.subscriptions.size).toBe(0);
    await expect(shopifyConnector.delete(ctx, subscription.id)).resolves.toBeUndefined();
  });
});

describe('Shopify connector: what the owner is told', () => {
  it('a bad token: the sentence, without the token', async () => {
    const bad = { ...ctx, credential: 'shpat_wrong0000000000000000000000' };
    const err = await connectFailure(
      shopifyConnector.create(bad, { url: URL_1, events: ['orders/create'], secret: 's' }),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Shopify refused the access token: copy the Admin API access token/);
    expect(err.message).not.toContain(bad.credential);
    const inRecovery = await connectFailure(
      shopifyConnector.recover!(
        bad,
        { id: 'g', url: URL_1, events: ['orders/create'], enabled: true },
        { from: GAP.from, to: GAP.to },
      ),
    );
    expect(inRecovery.kind).toBe('auth');
  });

  it('a missing scope: forbidden, naming read_orders (GraphQL ACCESS_DENIED and REST 403)', async () => {
    fake.scopes.clear();
    const err = await connectFailure(
      shopifyConnector.create(ctx, { url: URL_1, events: ['orders/create'], secret: 's' }),
    );
    expect(err.kind).toBe('forbidden');
    expect(err.message).toContain('read_orders');
    const rest = await connectFailure(
      shopifyConnector.recover!(
        ctx,
        { id: 'g', url: URL_1, events: ['orders/create'], enabled: true },
        { from: GAP.from, to: GAP.to },
      ),
    );
    expect(rest.kind).toBe('forbidden');
    expect(rest.message).toContain('read_orders');
  });

  it('nobody listening: unreachable, naming where it tried', async () => {
    const url = fake.url;
    await fake.close();
    const err = await connectFailure(
      shopifyConnector.get({ ...ctx, apiBase: url }, 'gid://shopify/WebhookSubscription/1'),
    );
    expect(err.kind).toBe('unreachable');
    expect(err.message).toBe(
      `Hookdock could not reach Shopify at ${url}: check the address and this computer's internet connection, then try again.`,
    );
  });

  it('THROTTLED: rate-limited, with the wait the cost extensions give (at least 1 s)', async () => {
    fake.throttleGraphql(1);
    const err = await connectFailure(shopifyConnector.get(ctx, 'gid://shopify/WebhookSubscription/1'));
    expect(err.kind).toBe('rate-limited');
    // (12 requested - 2 available) / 100 a second = 0.1 s, raised to 1 s.
    expect(err.retryAfterMs).toBe(1000);
    expect(err.message).toMatch(/slow down/);
  });

  it('userErrors (Shopify refuses an http:// URL): invalid, with what Shopify said', async () => {
    const err = await connectFailure(
      shopifyConnector.create(ctx, { url: 'http://127.0.0.1:8787/hooks/shop', events: ['orders/create'], secret: 's' }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('Address protocol http:// is not supported');
  });

  it('a shop address that is not a myshopify.com domain, and a topic that is no topic: invalid before any call', async () => {
    const noShop = { ...ctx, apiBase: '', account: 'example.com' };
    expect((await connectFailure(shopifyConnector.get(noShop, 'g'))).message).toMatch(/myshopify\.com address/);
    expect(
      (await connectFailure(shopifyConnector.create(ctx, { url: URL_1, events: ['ORDERS'], secret: 's' }))).kind,
    ).toBe('invalid');
  });
});

describe('Shopify connector: recovery after a gap', () => {
  const sub = (events: string[]) => ({
    id: events.map((_, i) => `gid://shopify/WebhookSubscription/${i + 1}`).join(','),
    url: URL_1,
    events,
    enabled: true,
  });

  it('reads every page of orders (Link paging, 429 waited out) and rebuilds each topic in the gap', async () => {
    // 260 orders created in the gap (two pages of 250), one created before it and updated in it,
    // one wholly before, one created after it; one with a refund and a fulfillment in the gap.
    for (let i = 0; i < 260; i++) fake.orders.push(order(1000 + i, GAP.from + 1000 * (i + 1)));
    fake.orders.push(order(900, GAP.from - 2 * HOUR, GAP.from + HOUR));
    fake.orders.push(order(800, GAP.from - 3 * HOUR, GAP.from - 2 * HOUR));
    fake.orders.push(order(2000, GAP.to + 60_000));
    const refund = {
      id: 77,
      order_id: 901,
      created_at: shopTime(GAP.from + 2 * HOUR),
      note: 'damaged',
      refund_line_items: [],
    };
    fake.orders.push(
      order(901, GAP.from - HOUR, GAP.from + 2 * HOUR, {
        fulfillment_status: 'fulfilled',
        fulfillments: [{ id: 5, created_at: shopTime(GAP.from + 90 * 60_000), status: 'success' }],
        refunds: [refund],
      }),
    );
    fake.limitRest(1, '0.05');
    const events = ['orders/create', 'orders/updated', 'orders/fulfilled', 'refunds/create', 'products/create'];
    const result = await shopifyConnector.recover!(ctx, sub(events), { from: GAP.from, to: GAP.to });

    const pages = fake.requests.filter((r) => r.path.startsWith('/admin/api/2025-07/orders.json'));
    expect(pages).toHaveLength(3); // the 429, then two pages (250 + 13: 800 was last updated before the gap)
    expect(new URL(pages[0]!.path, fake.url).searchParams.get('updated_at_min')).toBe(new Date(GAP.from).toISOString());
    expect(pages[2]!.path).toMatch(/page_info=/);

    const byTopic = (t: string) => result.deliveries.filter((d) => d.headers['x-shopify-topic'] === t);
    expect(byTopic('orders/create')).toHaveLength(260);
    // Created in the gap (and never changed since): updated too; 900 and 901 changed in the gap.
    expect(
      byTopic('orders/updated')
        .map((d) => (JSON.parse(d.body) as { id: number }).id)
        .sort(),
    ).toEqual([...fake.orders.filter((o) => o.id >= 1000 && o.id < 2000).map((o) => o.id), 900, 901].sort());
    expect(byTopic('orders/fulfilled').map((d) => JSON.parse(d.body) as { id: number })).toMatchObject([{ id: 901 }]);
    expect(byTopic('refunds/create').map((d) => JSON.parse(d.body) as unknown)).toEqual([refund]);
    expect(result.deliveries.some((d) => [800, 2000].includes((JSON.parse(d.body) as { id: number }).id))).toBe(false);

    const first = byTopic('orders/create')[0]!;
    expect(JSON.parse(first.body)).toEqual(fake.orders[0]); // the REST order, as the webhook carries it
    expect(first.headers).toEqual({
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'my-shop.myshopify.com',
      'x-shopify-webhook-id': 'gid://shopify/WebhookSubscription/1',
      'x-shopify-api-version': '2025-07',
      'x-shopify-triggered-at': fake.orders[0]!.created_at,
    });
    expect(first.headers).not.toHaveProperty('x-shopify-hmac-sha256');
    expect(byTopic('refunds/create')[0]!.headers['x-shopify-webhook-id']).toBe('gid://shopify/WebhookSubscription/4');
    // Oldest first, so automations see them in the order they happened.
    const times = result.deliveries.map((d) => Date.parse(d.headers['x-shopify-triggered-at']!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(result.redelivered).toBe(0);
    expect(result.notes).toEqual([
      'Shopify keeps no copy of missed products/create webhooks, so Hookdock could not get them back.',
    ]);
  });

  it('gives up with rate-limited once Shopify keeps answering 429 after a few waits', async () => {
    fake.orders.push(order(1, GAP.from + HOUR));
    fake.limitRest(6, '0');
    const err = await connectFailure(
      shopifyConnector.recover!(ctx, sub(['orders/create']), { from: GAP.from, to: GAP.to }),
    );
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(0);
    expect(fake.requests.filter((r) => r.path.includes('orders.json'))).toHaveLength(6); // the first try and 5 waits
  });

  it('orders/paid from the financial status and processed_at, orders/cancelled from cancelled_at', async () => {
    fake.orders.push(
      order(1, GAP.from + HOUR), // paid at checkout in the gap
      order(2, GAP.from + HOUR, GAP.from + HOUR, { financial_status: 'pending' }), // not paid
      order(3, GAP.from - 2 * HOUR, GAP.from + HOUR), // paid before the gap, changed in it
      order(4, GAP.from - 2 * HOUR, GAP.from + 2 * HOUR, {
        cancelled_at: shopTime(GAP.from + 2 * HOUR),
        financial_status: 'refunded',
      }),
      order(5, GAP.from - 3 * HOUR, GAP.from + HOUR, { cancelled_at: shopTime(GAP.from - HOUR) }), // cancelled before the gap
    );
    const result = await shopifyConnector.recover!(ctx, sub(['orders/paid', 'orders/cancelled']), {
      from: GAP.from,
      to: GAP.to,
    });
    const got = result.deliveries.map((d) => [d.headers['x-shopify-topic'], (JSON.parse(d.body) as { id: number }).id]);
    expect(got).toEqual([
      ['orders/paid', 1],
      ['orders/cancelled', 4],
    ]);
    expect(result.deliveries[1]!.headers['x-shopify-webhook-id']).toBe('gid://shopify/WebhookSubscription/2');
    expect(result.notes).toEqual([
      'Orders marked as paid by hand during the gap come back as orders/updated only: Shopify records no payment time on the order.',
    ]);
  });
});

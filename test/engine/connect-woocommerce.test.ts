// The WooCommerce connector against a local fake of the wc/v3 REST API
// (test/helpers/fake-woocommerce.ts): webhooks made, found, re-enabled, moved and removed
// over real HTTP; the errors an owner sees; orders read back after a gap.
import { describe, expect, it } from 'vitest';
import { woocommerceConnector } from '../../electron/engine/connect/woocommerce';
import type { ConnectorContext } from '../../electron/engine/connect/types';
import { connectFailure, fakeApiPerTest, GAP, HOUR } from '../helpers/connect';
import { gmt, startFakeWoocommerce, wooOrder, type FakeWoocommerce } from '../helpers/fake-woocommerce';

const URL_1 = 'https://abc.ngrok.app/hooks/store';
const URL_2 = 'https://xyz.ngrok.app/hooks/store';
const SECRET = 'hd_0123456789abcdef0123456789abcdef';

let fake: FakeWoocommerce;
let ctx: ConnectorContext;
fakeApiPerTest(startFakeWoocommerce, (store) => {
  fake = store;
  ctx = { apiBase: store.url, credential: store.credential, account: 'https://shop.example.com', fetch };
});

describe('WooCommerce connector: webhooks', () => {
  it('creates one active webhook per topic with Hookdock’s secret, over Basic auth; the id joins theirs', async () => {
    const { subscription, secret } = await woocommerceConnector.create(ctx, {
      url: URL_1,
      events: ['order.created', 'order.updated'],
      secret: SECRET,
    });
    expect(secret).toBe(SECRET);
    expect(subscription).toEqual({
      id: '11,12',
      url: URL_1,
      events: ['order.created', 'order.updated'],
      enabled: true,
    });
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.path, r.body])).toEqual([
      [
        '/wp-json/wc/v3/webhooks',
        {
          name: 'Hookdock: order.created',
          topic: 'order.created',
          delivery_url: URL_1,
          secret: SECRET,
          status: 'active',
        },
      ],
      [
        '/wp-json/wc/v3/webhooks',
        {
          name: 'Hookdock: order.updated',
          topic: 'order.updated',
          delivery_url: URL_1,
          secret: SECRET,
          status: 'active',
        },
      ],
    ]);
    const [key, secretPart] = fake.credential.split(':');
    expect(posts[0]!.authorization).toBe(`Basic ${Buffer.from(`${key}:${secretPart}`).toString('base64')}`);

    // Created again after one was deleted: the other is adopted (re-keyed, active), not doubled.
    fake.webhooks.delete(12);
    fake.webhooks.get(11)!.status = 'disabled';
    expect(await woocommerceConnector.get(ctx, subscription.id)).toBeNull();
    const again = await woocommerceConnector.create(ctx, { url: URL_1, events: subscription.events, secret: 'hd_new' });
    expect(again.subscription).toEqual({ id: '11,13', url: URL_1, events: subscription.events, enabled: true });
    expect([...fake.webhooks.values()].map((h) => [h.id, h.status, h.secret])).toEqual([
      [11, 'active', 'hd_new'],
      [13, 'active', 'hd_new'],
    ]);
  });

  it('get: enabled false once WooCommerce disabled a webhook; update re-enables it; null once deleted', async () => {
    const { subscription } = await woocommerceConnector.create(ctx, {
      url: URL_1,
      events: ['order.created', 'order.updated'],
      secret: SECRET,
    });
    fake.webhooks.get(12)!.status = 'disabled'; // after more than 5 failed deliveries
    expect(await woocommerceConnector.get(ctx, subscription.id)).toEqual({ ...subscription, enabled: false });
    expect(await woocommerceConnector.update(ctx, subscription.id, { enabled: true })).toEqual(subscription);
    expect(fake.webhooks.get(12)!.status).toBe('active');
    fake.webhooks.delete(11);
    expect(await woocommerceConnector.get(ctx, subscription.id)).toBeNull();
  });

  it('update: a new URL on every webhook; topics added (same secret) and removed', async () => {
    const { subscription } = await woocommerceConnector.create(ctx, {
      url: URL_1,
      events: ['order.created'],
      secret: SECRET,
    });
    const moved = await woocommerceConnector.update(ctx, subscription.id, { url: URL_2 });
    expect(moved).toEqual({ ...subscription, url: URL_2 });
    const changed = await woocommerceConnector.update(ctx, moved.id, { events: ['order.updated'] });
    expect(changed).toEqual({ id: '12', url: URL_2, events: ['order.updated'], enabled: true });
    expect([...fake.webhooks.values()].map((h) => [h.topic, h.delivery_url, h.secret])).toEqual([
      ['order.updated', URL_2, SECRET],
    ]);
  });

  it('delete removes every webhook for good (force=true); deleting what is gone is fine', async () => {
    const { subscription } = await woocommerceConnector.create(ctx, {
      url: URL_1,
      events: ['order.created', 'order.updated'],
      secret: SECRET,
    });
    await woocommerceConnector.delete(ctx, subscription.id);
    expect(fake.webhooks.size).toBe(0);
    expect(fake.requests.filter((r) => r.method === 'DELETE').every((r) => r.path.endsWith('?force=true'))).toBe(true);
    await expect(woocommerceConnector.delete(ctx, subscription.id)).resolves.toBeUndefined();
  });
});

describe('WooCommerce connector: what the owner is told', () => {
  it('a bad key: the sentence, without the key or secret', async () => {
    const bad = {
      ...ctx,
      credential: 'ck_0000000000000000000000000000000000000000:cs_1111111111111111111111111111111111111111',
    };
    const err = await connectFailure(woocommerceConnector.get(bad, '11'));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^WooCommerce refused the API key: copy the consumer key and secret/);
    expect(err.message).not.toMatch(/ck_0|cs_1/);
  });

  it('a Read-only key: forbidden, asking for Read/Write', async () => {
    const ro = { ...ctx, credential: fake.readOnlyCredential };
    const err = await connectFailure(
      woocommerceConnector.create(ro, { url: URL_1, events: ['order.created'], secret: SECRET }),
    );
    expect(err.kind).toBe('forbidden');
    expect(err.message).toContain('Read/Write');
  });

  it('a credential that is not key:secret, and a site that is not https: invalid before any call', async () => {
    const err = await connectFailure(woocommerceConnector.get({ ...ctx, credential: 'ck_only' }, '11'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('ck_…:cs_…');
    expect(err.message).not.toContain('ck_only');
    const http = await connectFailure(
      woocommerceConnector.get({ ...ctx, apiBase: '', account: 'http://shop.example.com' }, '11'),
    );
    expect(http.message).toMatch(/https:\/\//);
    expect(fake.requests).toHaveLength(0);
  });

  it('a site that moved: invalid, naming where to, and the key is not sent on', async () => {
    const err = await connectFailure(woocommerceConnector.get({ ...ctx, apiBase: `${fake.url}/moved` }, '11'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('redirect to https://www.shop.example.com');
    expect(fake.requests.map((r) => r.path)).toEqual(['/moved/wp-json/wc/v3/webhooks/11?context=edit']);
  });

  it('a host that limits: rate-limited with its Retry-After', async () => {
    fake.limit(1, '30');
    const err = await connectFailure(woocommerceConnector.get(ctx, '11'));
    expect(err.kind).toBe('rate-limited');
    expect(err.retryAfterMs).toBe(30_000);
  });

  it('a topic WooCommerce does not have: invalid, with what it said; the webhooks made before it are removed', async () => {
    const err = await connectFailure(
      woocommerceConnector.create(ctx, { url: URL_1, events: ['order.created', 'order.paid'], secret: SECRET }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('Invalid parameter(s): topic');
    expect(fake.webhooks.size).toBe(0);
  });

  it('a site without the WooCommerce REST API there (rest_no_route): invalid, saying what to check', async () => {
    const err = await connectFailure(woocommerceConnector.get({ ...ctx, apiBase: `${fake.url}/blog` }, '11'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/REST API was not found at this site: check the site address/);
  });
});

describe('WooCommerce connector: recovery after a gap', () => {
  it('reads every page (X-WP-TotalPages, 429 waited out) and rebuilds order.created / order.updated in the gap', async () => {
    for (let i = 0; i < 230; i++) fake.orders.push(wooOrder(500 + i, GAP.from + 1000 * (i + 1)));
    fake.orders.push(wooOrder(400, GAP.from - 2 * HOUR, GAP.from + HOUR)); // older, changed in the gap
    fake.orders.push(wooOrder(300, GAP.from - 3 * HOUR, GAP.from - 2 * HOUR)); // not touched in the gap
    fake.orders.push(wooOrder(401, GAP.from + HOUR, GAP.to + HOUR)); // made in the gap, changed after it
    fake.limit(1, '0.05');
    const sub = {
      id: '11,12,13',
      url: URL_1,
      events: ['order.updated', 'order.created', 'order.deleted'],
      enabled: true,
    };
    const result = await woocommerceConnector.recover!(ctx, sub, { from: GAP.from, to: GAP.to });

    const pages = fake.requests.filter((r) => r.path.startsWith('/wp-json/wc/v3/orders'));
    expect(pages).toHaveLength(4); // the 429, then pages 1-3 of 100
    const first = new URL(pages[1]!.path, fake.url).searchParams;
    expect(Object.fromEntries(first)).toMatchObject({
      modified_after: gmt(GAP.from - 1000),
      dates_are_gmt: 'true',
      per_page: '100',
      page: '1',
    });
    expect(pages[3]!.path).toMatch(/page=3$/);

    const ids = (topic: string) =>
      result.deliveries
        .filter((d) => d.headers['x-wc-webhook-topic'] === topic)
        .map((d) => (JSON.parse(d.body) as { id: number }).id);
    expect(ids('order.created').sort()).toEqual([...Array.from({ length: 230 }, (_, i) => 500 + i), 401].sort());
    expect(ids('order.updated').sort()).toEqual([...Array.from({ length: 230 }, (_, i) => 500 + i), 400].sort());

    const created = result.deliveries.find((d) => d.headers['x-wc-webhook-topic'] === 'order.created')!;
    expect(JSON.parse(created.body)).toEqual(fake.orders.find((o) => o.id === 500));
    expect(created.headers).toEqual({
      'content-type': 'application/json',
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': '12',
    });
    expect(
      result.deliveries.find((d) => d.headers['x-wc-webhook-topic'] === 'order.updated')!.headers['x-wc-webhook-id'],
    ).toBe('11');
    expect(result.notes).toEqual([
      'WooCommerce no longer lists orders deleted during the gap, so Hookdock could not get their order.deleted back.',
    ]);
  });
});

// Issue #14: the resource key a webhook and its recovered copy share, and how a provider
// parses a recovered copy (no signature; the resource key is its duplicate key).
import { describe, expect, it } from 'vitest';
import { getProvider } from '../../electron/engine/receiver/providers';
import { resourceKeyOf, utcSeconds } from '../../electron/engine/receiver/providers/resource-key';
import type { SourceConfig } from '../../shared/config';

const raw = (body: unknown) => Buffer.from(JSON.stringify(body));
const key = (provider: 'shopify' | 'woocommerce', topic: string, body: Record<string, unknown>) =>
  resourceKeyOf(provider, topic, body, raw(body));

describe('utcSeconds', () => {
  it('reads one instant the same in Shopify’s zoned form, WooCommerce’s zone-less GMT, Z and fractions', () => {
    const expected = String(Date.parse('2026-11-29T11:00:00Z') / 1000);
    for (const v of [
      '2026-11-29T06:00:00-05:00',
      '2026-11-29T11:00:00',
      '2026-11-29T11:00:00Z',
      '2026-11-29T11:00:00.250Z',
      '2026-11-29T16:30:00+05:30',
      '2026-11-29T12:00:00+0100',
    ]) {
      expect(utcSeconds(v), v).toBe(expected);
    }
  });

  it('is null for what is not a time', () => {
    for (const v of [null, 17, '', 'yesterday', '2026-11-29', '2026-11-29T11:00']) expect(utcSeconds(v)).toBeNull();
  });
});

describe('resourceKeyOf', () => {
  const order = { id: 1042, created_at: '2026-11-29T05:00:00-05:00', updated_at: '2026-11-29T06:00:00-05:00' };
  const at = String(Date.parse('2026-11-29T11:00:00Z') / 1000);

  it('Shopify: the id for what happens once per order (or refund); id and updated_at for orders/updated', () => {
    for (const t of ['orders/create', 'orders/paid', 'orders/fulfilled', 'orders/cancelled']) {
      expect(key('shopify', t, order)).toBe(`shopify:${t}:1042`);
    }
    expect(key('shopify', 'refunds/create', { id: 77, order_id: 1042, created_at: order.created_at })).toBe(
      'shopify:refunds/create:77',
    );
    expect(key('shopify', 'orders/updated', order)).toBe(`shopify:orders/updated:1042:${at}`);
  });

  it('WooCommerce: the id for order.created; id and date_modified_gmt for order.updated', () => {
    const wooOrder = { id: 73, date_created_gmt: '2026-11-29T10:00:00', date_modified_gmt: '2026-11-29T11:00:00' };
    expect(key('woocommerce', 'order.created', wooOrder)).toBe('woocommerce:order.created:73');
    expect(key('woocommerce', 'order.updated', wooOrder)).toBe(`woocommerce:order.updated:73:${at}`);
  });

  it('none for other topics, a body without the id or the version, or a body that is no object', () => {
    expect(key('shopify', 'products/update', order)).toBeNull();
    expect(key('woocommerce', 'order.deleted', { id: 73 })).toBeNull();
    expect(key('shopify', 'orders/updated', { id: 1042 })).toBeNull();
    expect(key('shopify', 'orders/create', { name: '#1042' })).toBeNull();
    expect(resourceKeyOf('shopify', 'orders/create', '<order/>', Buffer.from('<order/>'))).toBeNull();
  });

  it('an id past 2^53 keeps its exact digits', () => {
    const text = '{"id":9007199254740993,"updated_at":"2026-11-29T11:00:00Z"}';
    expect(resourceKeyOf('shopify', 'orders/create', JSON.parse(text), Buffer.from(text))).toBe(
      'shopify:orders/create:9007199254740993',
    );
  });
});

describe('a recovered copy through the provider parse', () => {
  const parse = (
    source: SourceConfig,
    headers: Record<string, string>,
    body: Record<string, unknown>,
    recovered: boolean,
  ) => getProvider(source.provider).verify({ rawBody: raw(body), headers, source, url: '', now: 0, recovered }, body);
  const shop: SourceConfig = { id: 'shop', provider: 'shopify', secret: 'shop-secret' };
  const store: SourceConfig = { id: 'store', provider: 'woocommerce', secret: 'wc-secret' };
  const order = { id: 1042, updated_at: '2026-11-29T11:00:00Z', date_modified_gmt: '2026-11-29T11:00:00' };
  const shopHeaders = {
    'x-shopify-topic': 'orders/updated',
    'x-shopify-webhook-id': 'gid://shopify/WebhookSubscription/1',
  };
  const wooHeaders = { 'x-wc-webhook-topic': 'order.updated', 'x-wc-webhook-id': '11' };

  it('is accepted unsigned, named and deduplicated by its resource key (Shopify, WooCommerce)', () => {
    const at = String(Date.parse('2026-11-29T11:00:00Z') / 1000);
    for (const [source, headers, k] of [
      [shop, shopHeaders, `shopify:orders/updated:1042:${at}`],
      [store, wooHeaders, `woocommerce:order.updated:1042:${at}`],
    ] as const) {
      expect(parse(source, headers, order, true)).toEqual({
        ok: true,
        reason: null,
        type: headers[Object.keys(headers)[0] as keyof typeof headers],
        providerEventId: k,
        dedupeKey: k,
        resourceKey: k,
      });
      // The same request from outside (no `recovered`, which no header can set) is refused: it is unsigned.
      expect(parse(source, headers, order, false).ok).toBe(false);
    }
  });

  it('without a resource key, keys on topic and body (never the subscription id all copies share)', () => {
    const a = parse(shop, { ...shopHeaders, 'x-shopify-topic': 'products/update' }, { id: 1 }, true);
    const b = parse(shop, { ...shopHeaders, 'x-shopify-topic': 'products/update' }, { id: 2 }, true);
    expect(a.ok && b.ok).toBe(true);
    expect(a.dedupeKey).toMatch(/^products\/update \| recovered \| sha256:/);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
  });

  it('other providers take no recovered copies: still verified', () => {
    const stripe: SourceConfig = { id: 'payments', provider: 'stripe', secret: 'whsec_x' };
    expect(parse(stripe, {}, { id: 'evt_1', type: 'charge.refunded' }, true).ok).toBe(false);
  });
});

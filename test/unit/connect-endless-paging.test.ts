// A provider whose paging never ends (a Link `next` that points back, one that always has
// another page, a WooCommerce site claiming a billion pages) must not keep recovery going
// forever: it stops, and its notes say why.
import { describe, expect, it } from 'vitest';
import { recoverShopify } from '../../electron/engine/connect/shopify-recover';
import { recoverWoocommerce } from '../../electron/engine/connect/woocommerce-recover';
import type { ConnectorContext, Subscription } from '../../electron/engine/connect/types';

/** A fetch that answers `answer(url, n)`, and fails the test (instead of hanging it) past `max` calls. */
function pagingFetch(
  answer: (url: string, n: number) => { body: unknown; headers?: Record<string, string> },
  max = 2000,
) {
  const calls: string[] = [];
  const fetchFn = ((input: string) => {
    calls.push(input);
    if (calls.length > max) return Promise.reject(new Error(`still paging after ${max} requests`));
    const { body, headers } = answer(input, calls.length);
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers }));
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const span = { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-11-02T00:00:00Z') };
const order = { id: 1, created_at: '2026-11-01T01:00:00Z', updated_at: '2026-11-01T01:00:00Z' };

describe('endless paging stops', () => {
  it('Shopify: a Link next that points back to the same page', async () => {
    const { calls, fetchFn } = pagingFetch((url) => ({
      body: { orders: [order] },
      headers: { link: `<${url}>; rel="next"` },
    }));
    const ctx: ConnectorContext = {
      apiBase: 'https://my-shop.myshopify.com',
      credential: 'shpat_x',
      account: 'my-shop.myshopify.com',
      fetch: fetchFn,
    };
    const sub: Subscription = {
      id: 'gid://shopify/WebhookSubscription/1',
      url: '',
      events: ['orders/create'],
      enabled: true,
    };
    const result = await recoverShopify(ctx, sub, span);
    expect(calls.length).toBe(1);
    expect(result.notes.join(' ')).toMatch(/pointed back/);
  });

  it('Shopify: a next page forever', async () => {
    const { calls, fetchFn } = pagingFetch((_url, n) => ({
      body: { orders: [] },
      headers: { link: `<https://my-shop.myshopify.com/admin/api/x/orders.json?page_info=p${n}>; rel="next"` },
    }));
    const ctx: ConnectorContext = {
      apiBase: 'https://my-shop.myshopify.com',
      credential: 'shpat_x',
      account: 'my-shop.myshopify.com',
      fetch: fetchFn,
    };
    const sub: Subscription = {
      id: 'gid://shopify/WebhookSubscription/1',
      url: '',
      events: ['orders/create'],
      enabled: true,
    };
    const result = await recoverShopify(ctx, sub, span);
    expect(calls.length).toBeLessThanOrEqual(200);
    expect(result.notes.join(' ')).toMatch(/only the first were checked/);
  });

  it('WooCommerce: X-WP-TotalPages of a billion', async () => {
    const { calls, fetchFn } = pagingFetch(() => ({
      body: [{ id: 1, date_created_gmt: '2026-11-01T01:00:00', date_modified_gmt: '2026-11-01T01:00:00' }],
      headers: { 'x-wp-totalpages': '1000000000', 'content-type': 'application/json' },
    }));
    const ctx: ConnectorContext = {
      apiBase: 'https://shop.example',
      credential: 'ck_abcdefgh:cs_abcdefgh',
      account: 'https://shop.example',
      fetch: fetchFn,
    };
    const sub: Subscription = { id: '1', url: '', events: ['order.created'], enabled: true };
    const result = await recoverWoocommerce(ctx, sub, span);
    expect(calls.length).toBeLessThanOrEqual(500);
    expect(result.notes.join(' ')).toMatch(/only the first were checked/);
  });

  it('WooCommerce: an empty page ends the list whatever the total claims', async () => {
    const { calls, fetchFn } = pagingFetch(() => ({ body: [], headers: { 'x-wp-totalpages': '1000000000' } }));
    const ctx: ConnectorContext = {
      apiBase: 'https://shop.example',
      credential: 'ck_abcdefgh:cs_abcdefgh',
      account: 'https://shop.example',
      fetch: fetchFn,
    };
    const sub: Subscription = { id: '1', url: '', events: ['order.created'], enabled: true };
    await recoverWoocommerce(ctx, sub, span);
    expect(calls.length).toBe(1);
  });
});

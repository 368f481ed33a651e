// The HTTP pieces the connectors share (electron/engine/connect/http.ts).
import { describe, expect, it } from 'vitest';
import { retryAfterMs, sameOrigin } from '../../electron/engine/connect/http';

describe('retryAfterMs (RFC 9110 §10.2.3)', () => {
  const h = (v?: string) => new Headers(v === undefined ? {} : { 'Retry-After': v });

  it('reads delta-seconds, Shopify’s decimals too, and an HTTP date (never below 0)', () => {
    expect(retryAfterMs(h('30'))).toBe(30_000);
    expect(retryAfterMs(h('2.0'))).toBe(2_000);
    expect(retryAfterMs(h('0.05'))).toBe(50);
    const now = Date.parse('Mon, 30 Nov 2026 07:00:00 GMT');
    expect(retryAfterMs(h('Mon, 30 Nov 2026 07:01:30 GMT'), now)).toBe(90_000);
    expect(retryAfterMs(h('Mon, 30 Nov 2026 06:59:00 GMT'), now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(h())).toBeUndefined();
    expect(retryAfterMs(h('soon'))).toBeUndefined();
    expect(retryAfterMs(h('-5'))).toBeUndefined();
  });
});

describe('sameOrigin: where a paging link may take the credential', () => {
  it('only to the same scheme, host and port', () => {
    const base = 'https://my-shop.myshopify.com';
    expect(sameOrigin('https://my-shop.myshopify.com/admin/api/2025-07/orders.json?page_info=x', base)).toBe(true);
    expect(sameOrigin('https://evil.example.com/admin/api/2025-07/orders.json', base)).toBe(false);
    expect(sameOrigin('http://my-shop.myshopify.com/admin', base)).toBe(false);
    expect(sameOrigin('https://my-shop.myshopify.com:8443/admin', base)).toBe(false);
    expect(sameOrigin('not a url', base)).toBe(false);
  });
});

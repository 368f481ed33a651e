// The shop a Shopify Connect acts on: the owner may paste the shop's myshopify.com address,
// with or without https://, or the Shopify admin's own address from the browser
// (admin.shopify.com/store/<handle>/…), which names the same shop.
import { describe, expect, it } from 'vitest';
import { shopDomain } from '../../electron/engine/connect/shopify-api';

const ctx = (account: string) => ({ apiBase: '', credential: 'shpat_x', account, fetch });

describe('shopDomain', () => {
  it.each([
    'my-shop.myshopify.com',
    'https://my-shop.myshopify.com/admin',
    'https://admin.shopify.com/store/my-shop',
    'https://admin.shopify.com/store/my-shop/settings/apps/development',
    'admin.shopify.com/store/My-Shop/',
  ])('%s is my-shop.myshopify.com', (account) => {
    expect(shopDomain(ctx(account))).toBe('my-shop.myshopify.com');
  });

  it.each(['', 'my-shop.com', 'https://admin.shopify.com/', 'https://admin.shopify.com/store/'])(
    '%j is refused with where to find the address',
    (account) => {
      expect(() => shopDomain(ctx(account))).toThrow(/myshopify\.com address .* Settings > Domains/);
    },
  );
});

// Where the owner's credential is sent is decided by the account they typed: a mistyped or hostile
// one must not send it to a host the owner did not mean.
import { describe, expect, it } from 'vitest';
import { githubTarget } from '../../electron/engine/connect/github-api';
import { shopDomain } from '../../electron/engine/connect/shopify-api';
import { wooSite } from '../../electron/engine/connect/woocommerce-api';
import { ConnectError, type ConnectorContext } from '../../electron/engine/connect/types';

const ctx = (account: string): ConnectorContext => ({ apiBase: '', credential: 'x', account, fetch });

describe('accounts that would send the credential elsewhere are refused', () => {
  it('WooCommerce: a site URL with a name or password before @, or plain http', () => {
    for (const account of [
      'https://shop.example.com@evil.test',
      'https://user:pass@shop.example.com',
      'http://shop.example.com',
      'shop.example.com@evil.test', // completed to https://, the @ is still refused
      'ftp://shop.example.com',
      '',
    ]) {
      expect(() => wooSite(ctx(account)), account).toThrow(ConnectError);
    }
    expect(wooSite(ctx('https://shop.example.com/store/'))).toBe('https://shop.example.com/store');
    // Typed without a scheme, as owners do: the https address.
    expect(wooSite(ctx(' shop.example.com/store '))).toBe('https://shop.example.com/store');
  });

  it('Shopify: only a *.myshopify.com host', () => {
    for (const account of [
      'evil.com',
      'my-shop.myshopify.com@evil.com',
      'my-shop.myshopify.com.evil.com',
      'https://evil.com/my-shop.myshopify.com',
      'my-shop.myshopify.com:8443',
    ]) {
      expect(() => shopDomain(ctx(account)), account).toThrow(ConnectError);
    }
    expect(shopDomain(ctx('https://My-Shop.myshopify.com/admin'))).toBe('my-shop.myshopify.com');
  });

  it('GitHub: no path tricks in owner/repo', () => {
    for (const account of ['owner/repo/../../x', '../x', 'owner/..', 'org:../x', 'owner/repo?x=1']) {
      expect(() => githubTarget(account), account).toThrow(ConnectError);
    }
  });
});

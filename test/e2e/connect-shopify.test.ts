// Connecting Shopify from the dashboard, in Chromium against a real `hookdock serve`
// whose Shopify API base is a fake Admin API (test/helpers/fake-shopify.ts; no real
// Shopify API is called): the owner adds a Shopify source with the custom app's client
// secret, then "Connect with an API key" with the Admin API token and the shop domain and
// picks topics; Hookdock creates one subscription per topic at the source's webhook URL,
// shows it managed, and a webhook signed with the client secret is accepted.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { dashboardRun } from '../helpers/dashboard-run';
import { startFakeShopify, type FakeShopify } from '../helpers/fake-shopify';
import { dashboardApi, startServe } from '../helpers/serve';
import { makeTempDir } from '../helpers/tmp';
import { launchBrowser, openDashboard, problemsOf, screenshot, type Served } from './_support';

const TOKEN = 'shpat_' + 'e2e0123456789abcdef0123456789ab';
const CLIENT_SECRET = 'shpss_' + 'E2eClientSecret0123456789abcd';
// Shopify takes https callback URLs only: as behind the owner's own tunnel.
const PUBLIC = 'https://hooks.example-tunnel.test';

const run = dashboardRun<FakeShopify>();

describe('Connect Shopify from the dashboard', () => {
  it('creates a subscription per topic at the webhook URL, shows it managed, and its webhooks verify', async () => {
    const fake = (run.fake = await startFakeShopify({ token: TOKEN }));
    const dir = (run.dir = await makeTempDir());
    const serve = (run.serve = await startServe(dir, {
      env: { NODE_ENV: 'production', HOOKDOCK_SHOPIFY_API_BASE: fake.url, HOOKDOCK_PUBLIC_URL: PUBLIC },
    }));

    const browser = (run.browser = await launchBrowser());
    const page = await openDashboard(browser, { dashboardUrl: serve.dashboardUrl } as Served, '#/sources/new');
    await page.getByRole('button', { name: /^Shopify/ }).click();
    await page.getByLabel('Name').fill('My shop');
    await page
      .getByLabel(/signing key|secret/i)
      .first()
      .fill(CLIENT_SECRET);
    await screenshot(page, 'connect-shopify-add-source');
    await page.getByRole('button', { name: 'Add source' }).click();

    const card = page.locator('[data-source-id="my-shop"]');
    await card.getByRole('button', { name: 'Connect with an API key' }).click();
    await card.getByLabel('Admin API access token').fill(TOKEN);
    await card.getByLabel('Shop domain').fill('my-shop.myshopify.com');
    await card.getByRole('checkbox', { name: 'orders/create' }).check();
    await card.getByRole('checkbox', { name: 'refunds/create' }).check();
    await screenshot(page, 'connect-shopify-form');
    await card.getByRole('button', { name: 'Connect', exact: true }).click();

    await card.getByTestId('managed').waitFor();
    // Waits for the state to settle (Playwright's own wait), whatever the machine's speed.
    await card
      .getByTestId('managed-state')
      .filter({ hasText: /^(Active|Needs attention)$/ })
      .waitFor();
    expect(await card.getByTestId('managed-state').textContent()).toBe('Active');
    const url = `${PUBLIC}/hooks/my-shop`;
    const creates = fake.requests.filter((r) => r.body?.query?.includes('webhookSubscriptionCreate('));
    expect(creates.map((r) => r.body!.variables)).toEqual([
      { topic: 'ORDERS_CREATE', webhookSubscription: { callbackUrl: url, format: 'JSON' } },
      { topic: 'REFUNDS_CREATE', webhookSubscription: { callbackUrl: url, format: 'JSON' } },
    ]);
    expect(creates.every((r) => r.token === TOKEN)).toBe(true);
    expect([...fake.subscriptions.values()].map((s) => [s.topic, s.callbackUrl])).toEqual([
      ['ORDERS_CREATE', url],
      ['REFUNDS_CREATE', url],
    ]);
    expect(await card.getByTestId('managed-subscription').textContent()).toBe([...fake.subscriptions.keys()].join(','));
    expect(await card.textContent()).toContain('managed by Hookdock');
    expect(await card.getByTestId('managed').textContent()).toContain('Managed by Hookdock');
    await screenshot(page, 'connect-shopify-managed');

    // Shopify signs the subscription's webhooks with the app's client secret.
    const body = JSON.stringify({ id: 820982911946154500, name: '#1001', total_price: '59.00' });
    const res = await fetch(`${serve.receiverUrl}/hooks/my-shop`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-event-id': 'e2e-evt-1',
        'x-shopify-shop-domain': 'my-shop.myshopify.com',
        'x-shopify-hmac-sha256': createHmac('sha256', CLIENT_SECRET).update(body).digest('base64'),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ duplicate: false });

    // The token never reaches the browser, the API answers or the logs.
    const config = await dashboardApi<PublicConfig>(serve, '/api/config');
    expect(JSON.stringify(config.body)).not.toContain(TOKEN);
    expect(config.body.sources[0]!.connect).toMatchObject({ hasCredential: true, account: 'my-shop.myshopify.com' });
    expect(await page.content()).not.toContain(TOKEN);
    expect(serve.stdout() + serve.stderr()).not.toContain(TOKEN);
    expect(problemsOf(page)).toEqual([]);

    // At 720 px the header's public address (what Connect points the provider at) stays in the window.
    await page.setViewportSize({ width: 720, height: 860 });
    const chip = page.getByLabel('Public address');
    await chip.waitFor();
    const box = (await chip.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(720);
    await screenshot(page, 'connect-shopify-managed-720');
  });
});

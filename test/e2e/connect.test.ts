// Connecting Stripe from the dashboard, in Chromium against a real `hookdock serve`
// whose Stripe API base is a fake Stripe server (test/helpers/fake-stripe.ts; no real
// Stripe API is called): the owner pastes a restricted key and picks event types;
// Hookdock creates the endpoint at the source's webhook URL, shows it as managed,
// and a webhook signed with the secret Stripe gave back is accepted.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PublicConfig } from '../../shared/api';
import { dashboardRun } from '../helpers/dashboard-run';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe';
import { dashboardApi, startServe } from '../helpers/serve';
import { makeTempDir } from '../helpers/tmp';
import { launchBrowser, openDashboard, problemsOf, screenshot, type Served } from './_support';

const KEY = 'rk_test_' + 'E2eK3yAb4Cd5Ef6Gh7Ij8Kl9';

const run = dashboardRun<FakeStripe>();

describe('Connect Stripe from the dashboard', () => {
  it('creates the endpoint with the webhook URL and events, shows it managed, and its webhooks verify', async () => {
    const fake = (run.fake = await startFakeStripe());
    fake.addKey(KEY, { webhookEndpoints: 'write', events: 'read' });
    const dir = (run.dir = await makeTempDir());
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        sources: [{ id: 'payments', name: 'Payments', provider: 'stripe' }],
        tunnel: { provider: 'none' },
      }),
    );
    const serve = (run.serve = await startServe(dir, {
      env: { NODE_ENV: 'production', HOOKDOCK_STRIPE_API_BASE: fake.url },
    }));

    const browser = (run.browser = await launchBrowser());
    const page = await openDashboard(browser, { dashboardUrl: serve.dashboardUrl } as Served, '#/sources');
    const card = page.locator('[data-source-id="payments"]');
    await card.getByRole('button', { name: 'Connect with an API key' }).click();
    await card.getByLabel('Restricted API key').fill(KEY);
    await card.getByRole('checkbox', { name: 'checkout.session.completed' }).check();
    await card.getByRole('checkbox', { name: 'charge.refunded' }).check();
    await screenshot(page, 'connect-stripe-form');
    await card.getByRole('button', { name: 'Connect', exact: true }).click();

    await card.getByTestId('managed').waitFor();
    // Awaited in the page (a poll's 1 s default ran out on a loaded machine while it still said Connecting…).
    await card
      .getByTestId('managed-state')
      .filter({ hasText: /^Active$/ })
      .waitFor();
    expect(fake.endpoints.size).toBe(1);
    const endpoint = [...fake.endpoints.values()][0]!;
    expect(endpoint.url).toBe(`${serve.receiverUrl}/hooks/payments`);
    expect(endpoint.enabled_events).toEqual(['checkout.session.completed', 'charge.refunded']);
    expect(await card.getByTestId('managed-subscription').textContent()).toBe(endpoint.id);
    expect(await card.getByTestId('managed-action').textContent()).toMatch(/^Created the Stripe subscription at/);
    expect(await card.textContent()).toContain('managed by Hookdock');
    await screenshot(page, 'connect-stripe-managed');

    const answer = await fake.deliver(endpoint.id, fake.addEvent('charge.refunded'));
    expect(answer).toMatchObject({ status: 200, body: { duplicate: false } });

    // The key never reaches the browser: the config answer carries the mask.
    const { body } = await dashboardApi<PublicConfig>(serve, '/api/config');
    expect(JSON.stringify(body)).not.toContain(KEY);
    expect(body.sources[0]!.connect).toMatchObject({ hasCredential: true });
    expect(await page.content()).not.toContain(KEY);
    expect(serve.stdout() + serve.stderr()).not.toContain(KEY);
    expect(problemsOf(page)).toEqual([]);
  });

  it('after Hookdock was away, shows what Connect got back, with a Recovered badge, and moves the endpoint to the new port', async () => {
    const fake = run.fake!;
    const dir = run.dir!;
    const before = [...fake.endpoints.values()][0]!;
    await run.browser?.close();
    run.browser = null;
    await run.serve!.stop();
    // As if it had stopped without a clean exit 10 minutes ago, while Stripe went on.
    await writeFile(
      join(dir, 'heartbeat'),
      JSON.stringify({ at: new Date(Date.now() - 600_000).toISOString(), pid: 1 }),
    );
    const missed = fake.addEvent('checkout.session.completed', {
      object: { id: 'cs_test_1', object: 'checkout.session', amount_total: 4200, currency: 'eur' },
    });
    const serve = (run.serve = await startServe(dir, {
      env: { NODE_ENV: 'production', HOOKDOCK_STRIPE_API_BASE: fake.url },
    }));

    const browser = (run.browser = await launchBrowser());
    const page = await openDashboard(browser, { dashboardUrl: serve.dashboardUrl } as Served, '#/feed');
    const panel = page.getByRole('region', { name: 'While you were away' });
    await panel.getByTestId('away-connect').waitFor();
    expect(await panel.getByTestId('away-connect').textContent()).toBe('Hookdock got back 1 missed event.');
    const row = page.locator('.feed-row', { hasText: 'Recovered' });
    await row.waitFor();
    expect(await row.textContent()).toContain('checkout.session.completed');
    await screenshot(page, 'connect-recovered-feed');
    await row.click();
    await page.getByTestId('recovered-notice').waitFor();
    expect(await page.getByTestId('recovered-notice').textContent()).toContain('fetched from the provider');

    // The receiver came back on another port: the endpoint was pointed there.
    const after = [...fake.endpoints.values()][0]!;
    expect(after.id).toBe(before.id);
    expect(after.url).toBe(`${serve.receiverUrl}/hooks/payments`);
    const { body } = await dashboardApi<{ items: { providerEventId: string; recovered?: boolean }[] }>(
      serve,
      '/api/events?source=payments',
    );
    expect(body.items.filter((e) => e.providerEventId === missed.id)).toEqual([
      expect.objectContaining({ recovered: true }),
    ]);
    expect(problemsOf(page)).toEqual([]);
  });
});

// Sources, automations, outbox and the token gate, in a real browser against a
// real `hookdock serve`: what an owner clicks to set Hookdock up.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, postHook, screenshot, shopifyHeaders, shopifyOrder, Session, stripeHeaders, waitFor } from './_support';

const SHOP_SECRET = 'shop-secret-manage';
const STRIPE_SECRET = 'whsec_bWFuYWdlc3RyaXBlc2VjcmV0';

const app = new Session();
let crm: Server;
let crmStatus = 500;
let crmHits = 0;

beforeAll(async () => {
  const scripts = await app.scriptsDir('hookdock-e2e-manage-');
  // The CRM the outbox sends to: fails until the test lets it succeed.
  crm = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      crmHits++;
      res
        .writeHead(crmStatus, { 'content-type': 'text/plain' })
        .end(crmStatus === 200 ? 'ok' : 'CRM is down for maintenance');
    });
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
  const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/in`;
  const sender = join(scripts, 'send-to-crm.mjs');
  await writeFile(
    sender,
    `console.log(JSON.stringify({send:{destination:'crm',type:'order_noted',data:{order:'#2001'}}}));`,
  );
  await app.serve({
    sources: [{ id: 'shop', provider: 'shopify', secret: SHOP_SECRET }],
    automations: [
      {
        id: 'tell-crm',
        name: 'Tell the CRM',
        source: 'shop',
        events: ['orders/paid'],
        run: { command: process.execPath, args: [sender], timeoutSeconds: 20 },
      },
    ],
    destinations: [{ id: 'crm', url: crmUrl, secret: 'whsec_Y3Jtc2VjcmV0Zm9ydGVzdHM=', retry: { maxAttempts: 1 } }],
  });
  const page = await app.open('#/feed');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.served.origin });
}, 120_000);

afterAll(async () => {
  await app.close();
  await new Promise((r) => crm?.close(r));
}, 60_000);

describe('dashboard without the token', () => {
  it('shows "open the link printed by hookdock serve", not data', async () => {
    const context = await app.browser.newContext();
    const anon = await context.newPage();
    await anon.goto(`${app.served.origin}/#/feed`);
    const text = await anon.locator('body').innerText();
    expect(text).toMatch(/Open the link printed by hookdock serve/i);
    expect(await anon.locator('.feed-row').count()).toBe(0);
    const res = await anon.request.get(`${app.served.origin}/api/events`);
    expect(res.status()).toBe(401);
    await screenshot(anon, 'no-token');
    await context.close();
  });
});

describe('sources', () => {
  it('adding a source shows a URL that copies, set-up steps and a test event', async () => {
    await app.page.evaluate(() => (window.location.hash = '#/sources'));
    await app.page.getByRole('link', { name: 'Add a source' }).click();
    await app.page.getByRole('button', { name: /Stripe/ }).click();
    await app.page.getByLabel('Name').fill('payments');
    await app.page.getByLabel('Signing secret').fill(STRIPE_SECRET);
    await screenshot(app.page, 'sources-add');
    await app.page.getByRole('button', { name: 'Add source' }).click();

    const card = app.page.locator('[data-source-id="payments"]');
    const url = await card.getByTestId('webhook-url').innerText();
    expect(url).toMatch(/\/hooks\/payments$/);
    expect(await card.innerText()).toMatch(/Developers → Webhooks/);
    await card.getByRole('button', { name: 'Copy webhook URL' }).click();
    expect(await app.page.evaluate(() => navigator.clipboard.readText())).toBe(url);

    await card.getByRole('button', { name: 'Send a test event' }).click();
    await card.locator('.test-result').waitFor();
    expect(await card.locator('.test-result').getAttribute('class')).toMatch(/is-ok/);
    await screenshot(app.page, 'sources');
    const config = await api<{ sources: { id: string; provider: string }[] }>(app.served, 'GET', '/api/config');
    expect(config.sources.find((s) => s.id === 'payments')?.provider).toBe('stripe');
  });
});

describe('automations', () => {
  it('an automation created in the UI runs its script on the next matching webhook', async () => {
    const marker = join(app.scripts, 'refund-seen.txt');
    const script = join(app.scripts, 'on-refund.mjs');
    await writeFile(
      script,
      `import {writeFileSync} from 'node:fs';let s='';process.stdin.on('data',d=>s+=d);process.stdin.on('end',()=>{` +
        `const e=JSON.parse(s);writeFileSync(${JSON.stringify(marker)}, e.type+' '+process.env.HOOKDOCK_EVENT_ID);console.log('refund seen: '+e.type);});`,
    );
    await app.page.evaluate(() => (window.location.hash = '#/automations'));
    await app.page.getByRole('link', { name: 'New automation' }).click();
    await app.page.getByRole('button', { name: 'Start from scratch instead' }).click();
    await app.page.getByLabel('Name').fill('Tell me about refunds');
    await app.page.getByLabel('Source').selectOption('payments');
    await app.page.getByRole('button', { name: 'Charge refunded' }).click();
    await app.page.getByLabel('Script').fill(process.execPath);
    await app.page.getByText('Arguments, folder, time limit and retries').click();
    await app.page.getByLabel('Arguments').fill(script);
    await screenshot(app.page, 'automation-editor');
    await app.page.getByRole('button', { name: 'Create automation' }).click();
    await app.page.getByRole('heading', { name: 'Test it' }).waitFor();

    const refund = JSON.stringify({
      id: 'evt_refund_ui',
      type: 'charge.refunded',
      data: { object: { id: 'ch_9', object: 'charge', amount_refunded: 1500, currency: 'usd' } },
    });
    const r = await postHook(app.served, 'payments', refund, stripeHeaders(STRIPE_SECRET, refund));
    expect(r.status).toBe(200);
    const seen = await waitFor(
      async () => existsSync(marker) && (await readFile(marker, 'utf8')),
      15_000,
      'the script to run',
    );
    expect(seen).toBe(`charge.refunded ${r.json.id}`);
  });

  it('test-runs it against a past event and shows the output right there', async () => {
    await app.page.reload();
    await app.page.getByRole('button', { name: 'Run test' }).click();
    await app.page
      .locator('.test-run .output-stdout', { hasText: 'refund seen: charge.refunded' })
      .waitFor({ timeout: 15_000 });
    await screenshot(app.page, 'automation-test-run');
  });

  it('lists automations with on/off switches and pause-all', async () => {
    await app.page.evaluate(() => (window.location.hash = '#/automations'));
    const row = app.page.locator('[data-automation-id="tell-me-about-refunds"]');
    await row.waitFor();
    const toggle = row.getByRole('switch');
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
    const config = await api<{ automations: { id: string; enabled: boolean }[] }>(app.served, 'GET', '/api/config');
    expect(config.automations.find((a) => a.id === 'tell-me-about-refunds')?.enabled).toBe(false);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');

    const pauseAll = app.page.getByRole('switch', { name: 'Pause all' });
    await pauseAll.click();
    await app.page.getByText('All automations are paused.').waitFor();
    expect((await api<{ automationsPaused: boolean }>(app.served, 'GET', '/api/status')).automationsPaused).toBe(true);
    await screenshot(app.page, 'automations-paused');
    await pauseAll.click();
    await expect
      .poll(async () => (await api<{ automationsPaused: boolean }>(app.served, 'GET', '/api/status')).automationsPaused)
      .toBe(false);
    await screenshot(app.page, 'automations');
  });

  it('deletes an automation only after confirming', async () => {
    await app.page.getByRole('button', { name: 'Delete Tell me about refunds' }).click();
    const dialog = app.page.getByRole('dialog', { name: /Delete “Tell me about refunds”\?/ });
    await dialog.waitFor();
    await screenshot(app.page, 'automation-delete-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await app.page.locator('[data-automation-id="tell-me-about-refunds"]').count()).toBe(1);
    await app.page.getByRole('button', { name: 'Delete Tell me about refunds' }).click();
    await dialog.getByRole('button', { name: 'Delete automation' }).click();
    await expect.poll(() => app.page.locator('[data-automation-id="tell-me-about-refunds"]').count()).toBe(0);
    const config = await api<{ automations: { id: string }[] }>(app.served, 'GET', '/api/config');
    expect(config.automations.map((a) => a.id)).toEqual(['tell-crm']);
  });
});

describe('outbox', () => {
  it('retries a failed delivery now', async () => {
    const body = JSON.stringify(shopifyOrder(2001, '80.00'));
    expect(
      (await postHook(app.served, 'shop', body, shopifyHeaders(SHOP_SECRET, body, 'orders/paid', 'paid-2001'))).status,
    ).toBe(200);
    await app.page.evaluate(() => (window.location.hash = '#/outbox'));
    const item = app.page.locator('.delivery', { hasText: 'order_noted' });
    await item.getByText('Failed').waitFor({ timeout: 15_000 });
    expect(await item.innerText()).toMatch(/500/);
    await screenshot(app.page, 'outbox-failed');

    crmStatus = 200;
    const hitsBefore = crmHits;
    await item.getByRole('button', { name: /Retry now/ }).click();
    await item.getByText('Delivered').waitFor({ timeout: 15_000 });
    expect(crmHits).toBeGreaterThan(hitsBefore);
    await screenshot(app.page, 'outbox');

    // The event that caused it lists what it sent onward.
    await item.getByRole('link', { name: 'from this event' }).click();
    await app.page.locator('.delivery', { hasText: 'order_noted' }).getByText('Delivered').waitFor();
    await screenshot(app.page, 'event-with-delivery');
    await app.page.evaluate(() => (window.location.hash = '#/outbox'));
  });

  it('adds a destination with a generated whsec_ secret', async () => {
    await app.page.getByRole('button', { name: 'Add a destination' }).click();
    await app.page.getByLabel('Name').fill('analytics');
    await app.page.getByLabel('URL').fill('https://example.com/hooks');
    await app.page.getByRole('button', { name: 'Add destination' }).click();
    const notice = app.page.locator('.notice', { hasText: 'Secret for analytics' });
    await notice.waitFor();
    expect(await notice.locator('code').innerText()).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const config = await api<{ destinations: { id: string; hasSecret: boolean }[] }>(app.served, 'GET', '/api/config');
    expect(config.destinations.find((d) => d.id === 'analytics')?.hasSecret).toBe(true);
  });
});

describe('settings', () => {
  it('shows the tunnel, retention and concurrency, and saves them', async () => {
    await app.page.evaluate(() => (window.location.hash = '#/settings'));
    // Headless serve has no keychain: it says secrets sit in a file only this user reads.
    expect(await app.page.getByTestId('secrets-storage').innerText()).toBe(
      'Secrets are stored in a file only your user account can read (this system offers no keychain).',
    );
    await app.page.getByLabel('Keep events for (days)').fill('14');
    await app.page.getByRole('button', { name: 'Save', exact: true }).click();
    await waitFor(
      async () => {
        const c = await api<{ retention: { days: number } }>(app.served, 'GET', '/api/config');
        return c.retention.days === 14;
      },
      5000,
      'retention to be saved',
    );
    await screenshot(app.page, 'settings');
  });

  it('says when --tunnel none keeps a saved ngrok token from being used', async () => {
    await app.page.evaluate(() => (window.location.hash = '#/settings'));
    expect(await app.page.getByTestId('tunnel-overridden').count()).toBe(0);
    await api(app.served, 'PUT', '/api/settings', { tunnel: { provider: 'ngrok', authtoken: 'test-token-123456' } });
    await app.page.getByTestId('tunnel-overridden').waitFor({ timeout: 5000 });
    expect(await app.page.getByTestId('tunnel-overridden').innerText()).toContain('--tunnel none');
  });
});

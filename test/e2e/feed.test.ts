// The live feed and the event detail, in a real browser against a real
// `hookdock serve`: live rows without reload, filters, search, and the detail
// with headers, payload and a script's output.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openDashboard,
  postHook,
  screenshot,
  shopifyHeaders,
  shopifyOrder,
  startServe,
  stripeHeaders,
  type Served,
} from './_support';

const SHOP_SECRET = 'shop-secret-for-tests';
const STRIPE_SECRET = 'whsec_dGVzdHNlY3JldGZvcnN0cmlwZQ==';

let served: Served;
let browser: Browser;
let page: Page;
let scripts: string;

async function sendOrder(n: number, total: string, name?: string) {
  const body = JSON.stringify(shopifyOrder(n, total, name));
  const r = await postHook(served, 'shop', body, shopifyHeaders(SHOP_SECRET, body, 'orders/create', `evt-${n}`));
  expect(r.status).toBe(200);
  return r.json.id as string;
}

beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), 'hookdock-e2e-scripts-'));
  const script = join(scripts, 'note-order.mjs');
  await writeFile(
    script,
    `let s='';process.stdin.on('data',d=>s+=d);process.stdin.on('end',()=>{const e=JSON.parse(s);` +
      `console.log('Order noted: '+e.payload.name+' for '+e.payload.total_price);console.error('a warning line');});`,
  );
  served = await startServe({
    sources: [
      { id: 'shop', provider: 'shopify', secret: SHOP_SECRET },
      { id: 'payments', provider: 'stripe', secret: STRIPE_SECRET },
    ],
    automations: [
      {
        id: 'note-orders',
        name: 'Note new orders',
        source: 'shop',
        events: ['orders/create'],
        run: { command: process.execPath, args: [script], timeoutSeconds: 20 },
      },
    ],
  });
  await sendOrder(1001, '59.00', 'Jane Doe');
  await sendOrder(1002, '120.50', 'Omar Haddad');
  const refund = JSON.stringify({
    id: 'evt_refund_1',
    type: 'charge.refunded',
    data: { object: { id: 'ch_1', object: 'charge', amount: 2500, amount_refunded: 2500, currency: 'usd' } },
  });
  expect((await postHook(served, 'payments', refund, stripeHeaders(STRIPE_SECRET, refund))).status).toBe(200);
  // A misconfigured secret: shown as rejected, never runs anything.
  const bad = JSON.stringify(shopifyOrder(1999, '1.00'));
  expect(
    (await postHook(served, 'shop', bad, shopifyHeaders('wrong-secret', bad, 'orders/create', 'evt-bad'))).status,
  ).toBe(401);
  browser = await launchBrowser();
  page = await openDashboard(browser, served);
  await page.waitForSelector('.feed-row');
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (scripts) await rm(scripts, { recursive: true, force: true });
});

const rows = () => page.locator('.feed-row');

describe('live feed', () => {
  it('lists stored events newest first, in plain words', async () => {
    await expect.poll(() => rows().count()).toBe(4);
    const first = await rows().first().innerText();
    expect(first).toMatch(/Order created/);
    expect(first).toMatch(/Rejected/);
    await expect.poll(() => page.locator('.feed-row', { hasText: 'Refund of $25.00' }).count()).toBe(1);
    await screenshot(page, 'feed');
  });

  it('shows a webhook posted after page load within 1 s, without reload', async () => {
    const marker = await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = Math.random()));
    const id = await sendOrder(1003, '42.00', 'Ana Lima');
    const acked = Date.now();
    await page.waitForSelector(`.feed-row[data-event-id="${id}"]`, { timeout: 1000 });
    expect(Date.now() - acked).toBeLessThan(1000);
    expect(await page.locator(`.feed-row[data-event-id="${id}"]`).innerText()).toMatch(/Order #1003 — \$42\.00/);
    // Still the same page: nothing reloaded.
    expect(await page.evaluate(() => (window as unknown as { __marker: number }).__marker)).toBe(marker);
  });

  it('narrows the list with filters and search', async () => {
    await page.getByLabel('Source').selectOption('payments');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().innerText()).toMatch(/Charge refunded/);

    await page.getByLabel('Source').selectOption('');
    await page.getByLabel('Status').selectOption('rejected');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().innerText()).toMatch(/Rejected/);

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search events').fill('Omar');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().innerText()).toMatch(/#1002/);
    await screenshot(page, 'feed-search');

    await page.getByLabel('Search events').fill('no-such-thing-anywhere');
    await page.getByText('Nothing matches these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => rows().count()).toBe(5);
  });

  it('opens an event with its headers, payload and the script output', async () => {
    await page.locator('.feed-row', { hasText: '#1001' }).click();
    await page.getByRole('heading', { level: 1, name: /Order created/ }).waitFor();
    await page
      .locator('.attempt .output-stdout', { hasText: 'Order noted: #1001 for 59.00' })
      .waitFor({ timeout: 10_000 });
    expect(await page.locator('.run-card').innerText()).toMatch(/Succeeded/);
    expect(await page.locator('.verification').innerText()).toMatch(/Signature checked/);
    expect(await page.getByRole('tabpanel').innerText()).toMatch(/"total_price": "59.00"/);
    await screenshot(page, 'event-detail');

    await page.getByRole('tab', { name: /Headers/ }).click();
    expect(await page.getByRole('tabpanel').innerText()).toMatch(/x-shopify-topic\s+orders\/create/i);
    await screenshot(page, 'event-headers');
  });

  it('edits and replays a payload as a marked copy', async () => {
    await page.getByRole('button', { name: 'Edit and replay' }).click();
    const box = page.getByLabel('Payload (JSON)');
    const text = await box.inputValue();
    await box.fill(text.replace('"59.00"', '"77.00"'));
    await page.getByRole('button', { name: 'Replay with this payload' }).click();
    await page.getByText('This is an edited replay of').waitFor();
    await page.locator('.attempt .output-stdout', { hasText: 'for 77.00' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'event-edited-replay');
  });

  it('looks right in the dark theme too', async () => {
    const dark = await openDashboard(browser, served, '#/feed', 'dark');
    await dark.waitForSelector('.feed-row');
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(246, 247, 249)');
    await screenshot(dark, 'feed-dark');
    await dark.context().close();
  });
});

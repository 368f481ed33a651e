// The live feed and the event detail, in a real browser against a real
// `hookdock serve`: live rows without reload, filters, search, and the detail
// with headers, payload and a script's output.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openDashboard,
  postHook,
  problemsOf,
  screenshot,
  shopifyHeaders,
  shopifyOrder,
  Session,
  stripeHeaders,
} from './_support';

const SHOP_SECRET = 'shop-secret-for-tests';
const STRIPE_SECRET = 'whsec_dGVzdHNlY3JldGZvcnN0cmlwZQ==';

const app = new Session();

async function sendOrder(n: number, total: string, name?: string, topic = 'orders/create') {
  const body = JSON.stringify(shopifyOrder(n, total, name));
  const r = await postHook(app.served, 'shop', body, shopifyHeaders(SHOP_SECRET, body, topic, `${topic}-${n}`));
  expect(r.status).toBe(200);
  return r.json.id as string;
}

beforeAll(async () => {
  const scripts = await app.scriptsDir('hookdock-e2e-scripts-');
  const script = join(scripts, 'note-order.mjs');
  await writeFile(
    script,
    `let s='';process.stdin.on('data',d=>s+=d);process.stdin.on('end',()=>{const e=JSON.parse(s);` +
      `console.log('Order noted: '+e.payload.name+' for '+e.payload.total_price);console.error('a warning line');` +
      // The order id as the bytes on stdin have it (JSON.parse would round it).
      `console.log('raw id '+(s.match(/"id":\\s*(\\d+)/)||[])[1]);});`,
  );
  const slow = join(scripts, 'slow.mjs');
  await writeFile(slow, `console.log('step 1: packing');setTimeout(()=>console.log('step 2: shipped'),2500);`);
  await app.serve({
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
      {
        id: 'ship-paid',
        name: 'Ship paid orders',
        source: 'shop',
        events: ['orders/paid'],
        run: { command: process.execPath, args: [slow], timeoutSeconds: 20 },
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
  expect((await postHook(app.served, 'payments', refund, stripeHeaders(STRIPE_SECRET, refund))).status).toBe(200);
  // A misconfigured secret: shown as rejected, never runs anything.
  const bad = JSON.stringify(shopifyOrder(1999, '1.00'));
  expect(
    (await postHook(app.served, 'shop', bad, shopifyHeaders('wrong-secret', bad, 'orders/create', 'evt-bad'))).status,
  ).toBe(401);
  await (await app.open()).waitForSelector('.feed-row');
}, 120_000);

afterAll(() => app.close(), 60_000);

const rows = () => app.page.locator('.feed-row');

/** Waits for the list to hold one row matching `re`: the count alone can be the previous filter's answer. */
async function onlyRow(re: RegExp) {
  await expect.poll(async () => (await rows().allInnerTexts()).map((t) => re.test(t))).toEqual([true]);
}

describe('live feed', () => {
  it('lists stored events newest first, in plain words', async () => {
    await expect.poll(() => rows().count()).toBe(4);
    const first = await rows().first().innerText();
    expect(first).toMatch(/Order created/);
    expect(first).toMatch(/Rejected/);
    await expect.poll(() => app.page.locator('.feed-row', { hasText: 'Refund of $25.00' }).count()).toBe(1);
    await screenshot(app.page, 'feed');
  });

  it('shows a webhook posted after page load within 1 s, without reload', async () => {
    const marker = await app.page.evaluate(
      () => ((window as unknown as { __marker: number }).__marker = Math.random()),
    );
    const id = await sendOrder(1003, '42.00', 'Ana Lima');
    const acked = Date.now();
    await app.page.waitForSelector(`.feed-row[data-event-id="${id}"]`, { timeout: 1000 });
    expect(Date.now() - acked).toBeLessThan(1000);
    expect(await app.page.locator(`.feed-row[data-event-id="${id}"]`).innerText()).toMatch(/Order #1003 — \$42\.00/);
    // Still the same page: nothing reloaded.
    expect(await app.page.evaluate(() => (window as unknown as { __marker: number }).__marker)).toBe(marker);
  });

  it('holds new events behind a pill while paused', async () => {
    await app.page.getByRole('button', { name: 'Pause live updates' }).click();
    await app.page.locator('.live-indicator', { hasText: 'Paused' }).waitFor();
    const id = await sendOrder(1004, '15.00', 'Li Wei');
    const pill = app.page.getByRole('button', { name: /1 new event — resume/ });
    await pill.waitFor({ timeout: 2000 });
    expect(await app.page.locator(`.feed-row[data-event-id="${id}"]`).count()).toBe(0);
    await screenshot(app.page, 'feed-paused');
    await pill.click();
    await app.page.locator(`.feed-row[data-event-id="${id}"]`).waitFor({ timeout: 1000 });
    await app.page.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  });

  it('narrows the list with filters and search', async () => {
    await app.page.getByLabel('Source').selectOption('payments');
    await onlyRow(/Charge refunded/);

    await app.page.getByLabel('Source').selectOption('');
    await app.page.getByLabel('Status').selectOption('rejected');
    await onlyRow(/Rejected/);

    await app.page.getByLabel('Status').selectOption('');
    await app.page.getByLabel('Search events').fill('Omar');
    await onlyRow(/#1002/);
    await screenshot(app.page, 'feed-search');

    await app.page.getByLabel('Search events').fill('no-such-thing-anywhere');
    await app.page.getByText('Nothing matches these filters').waitFor();
    await app.page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => rows().count()).toBe(6);
  });

  it('opens an event with its headers, payload and the script output', async () => {
    await app.page.locator('.feed-row', { hasText: '#1001' }).click();
    await app.page.getByRole('heading', { level: 1, name: /Order created/ }).waitFor();
    await app.page
      .locator('.attempt .output-stdout', { hasText: 'Order noted: #1001 for 59.00' })
      .waitFor({ timeout: 10_000 });
    expect(await app.page.locator('.run-card').innerText()).toMatch(/Succeeded/);
    expect(await app.page.locator('.verification').innerText()).toMatch(/Signature checked/);
    expect(await app.page.getByRole('tabpanel').innerText()).toMatch(/"total_price": "59.00"/);
    await screenshot(app.page, 'event-detail');

    await app.page.getByRole('tab', { name: /Headers/ }).click();
    expect(await app.page.getByRole('tabpanel').innerText()).toMatch(/x-shopify-topic\s+orders\/create/i);
    await screenshot(app.page, 'event-headers');
  });

  it('edits and replays a payload as a marked copy', async () => {
    await app.page.getByRole('button', { name: 'Edit and replay' }).click();
    const box = app.page.getByLabel('Payload (JSON)');
    const text = await box.inputValue();
    // Shopify's ids pass 2^53: the edit starts from the body's own digits and keeps the new ones exact.
    expect(text).toMatch(/^\{\n {2}"id": \d{18},\n/);
    await box.fill(text.replace('"59.00"', '"77.00"').replace(/"id": \d+/, '"id": 820982911946155507'));
    await app.page.getByRole('button', { name: 'Replay with this payload' }).click();
    await app.page.getByText('This is an edited replay of').waitFor();
    await app.page.locator('.attempt .output-stdout', { hasText: 'for 77.00' }).waitFor({ timeout: 10_000 });
    await app.page.locator('.attempt .output-stdout', { hasText: 'raw id 820982911946155507' }).waitFor();
    expect(await app.page.getByRole('tabpanel').innerText()).toMatch(/"id": 820982911946155507/);
    // Its title is the edited order's, and it does not claim the sender's signature.
    expect(await app.page.getByRole('heading', { level: 1 }).innerText()).toMatch(/\$77\.00/);
    expect(await app.page.locator('.verification').innerText()).toMatch(/Not signed: an edited copy/);
    await screenshot(app.page, 'event-edited-replay');
  });

  it('copies the event as curl and exports it as JSON', async () => {
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.served.origin });
    await app.page.getByRole('button', { name: 'Copy as curl' }).click();
    await expect
      .poll(() => app.page.evaluate(() => navigator.clipboard.readText()))
      .toMatch(/^curl -X POST '.*\/hooks\/shop'/);
    const curl = await app.page.evaluate(() => navigator.clipboard.readText());
    expect(curl).toContain(`-H 'x-shopify-topic: orders/create'`);
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByRole('button', { name: 'Export as JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^hookdock-orders-create-evt_.*\.json$/);
    const file = await download.path();
    const exported = JSON.parse(await readFile(file, 'utf8')) as { payload: { total_price: string }; runs: unknown[] };
    expect(exported.payload.total_price).toBe('77.00');
    expect(exported.runs.length).toBeGreaterThan(0);
  });

  it("shows a script's output live while it runs", async () => {
    const id = await sendOrder(1005, '30.00', 'Sam Roy', 'orders/paid');
    await app.page.evaluate((h) => (window.location.hash = h), `#/events/${id}`);
    const attempt = app.page.locator('.attempt').first();
    await app.page
      .locator('.attempt.is-running .output-stdout', { hasText: 'step 1: packing' })
      .waitFor({ timeout: 8000 });
    expect(await attempt.innerText()).not.toMatch(/step 2/);
    await screenshot(app.page, 'event-live-output');
    await app.page
      .locator('.attempt.is-ok .output-stdout', { hasText: 'step 2: shipped' })
      .waitFor({ timeout: 10_000 });
    expect(await app.page.locator('.run-card').innerText()).toMatch(/Succeeded/);
  });

  it('shows an "N new events" pill instead of moving rows while scrolled down', async () => {
    await app.page.evaluate(() => (window.location.hash = '#/feed'));
    await app.page.waitForSelector('.feed-row');
    for (let n = 1100; n < 1116; n++) await sendOrder(n, '5.00', 'Bulk Buyer', 'orders/updated');
    await expect.poll(() => app.page.locator('.feed-row', { hasText: '#1115' }).count()).toBe(1);
    const scroller = app.page.getByTestId('feed-scroll');
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await app.page.waitForTimeout(100);
    const id = await sendOrder(1200, '9.00', 'Late Comer', 'orders/updated');
    const pill = app.page.getByRole('button', { name: /^↑ 1 new event$/ });
    await pill.waitFor({ timeout: 2000 });
    expect(await app.page.locator(`.feed-row[data-event-id="${id}"]`).count()).toBe(0);
    await screenshot(app.page, 'feed-new-pill');
    await pill.click();
    await app.page.locator(`.feed-row[data-event-id="${id}"]`).waitFor({ timeout: 1000 });
    expect(await scroller.evaluate((el) => el.scrollTop)).toBeLessThan(8);
  });

  it('fits a narrow window (900 px): nothing scrolls sideways', async () => {
    const page = app.page;
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 900, height: 760 });
    const overflow = () =>
      page.evaluate(() => {
        const wide = [...document.querySelectorAll<HTMLElement>('.app-main, .app-header, .card, .feed-row')].filter(
          (el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto',
        );
        return { page: document.documentElement.scrollWidth, wide: wide.map((el) => el.className) };
      });
    try {
      await page.evaluate(() => (window.location.hash = '#/feed'));
      await page.waitForSelector('.feed-row');
      expect(await overflow()).toEqual({ page: 900, wide: [] });
      await screenshot(page, 'feed-narrow');
      await page.locator('.feed-row', { hasText: '#1200' }).click();
      await page.getByRole('heading', { level: 1, name: /Order updated/ }).waitFor();
      expect(await overflow()).toEqual({ page: 900, wide: [] });
      await screenshot(page, 'event-narrow');
    } finally {
      await page.setViewportSize(size);
    }
  });

  it('had no CSP violations or page errors', () => {
    expect(problemsOf(app.page)).toEqual([]);
  });

  it('looks right in the dark theme too', async () => {
    const dark = await openDashboard(app.browser, app.served, '#/feed', 'dark');
    await dark.waitForSelector('.feed-row');
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(246, 247, 249)');
    await screenshot(dark, 'feed-dark');
    await dark.context().close();
  });
});

// Issue #11, majors 2-4, as an owner meets them in a real browser against a real
// `hookdock serve`: search finds a customer by what the owner knows of them; a
// send to a destination typed "Bookkeeper" that does not exist yet is a visible
// failed send, delivered on retry once the destination is added; and a Stripe
// source is added before its signing secret exists, then the secret pasted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/serve';
import { shopifyOrder as mariasOrder } from '../fixtures/payloads';
import { api, postHook, screenshot, Session, shopifyHeaders, shopifyOrder, stripeHeaders, waitFor } from './_support';

const SHOP_SECRET = 'shop-secret-owner';
const STRIPE_SECRET = 'whsec_b3duZXJzdHJpcGVzZWNyZXQ=';
const app = new Session();
let books: Server;
let booksHits = 0;

beforeAll(async () => {
  await ensureBuilt();
  const scripts = await app.scriptsDir('hookdock-e2e-owner-');
  books = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      booksHits++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => books.listen(0, '127.0.0.1', r));
  const sender = join(scripts, 'tell-bookkeeper.mjs');
  await writeFile(
    sender,
    `console.log(JSON.stringify({send:{destination:'Bookkeeper',type:'order_booked',data:{order:'#1042'}}}));`,
  );
  await app.serve({
    sources: [{ id: 'shop', name: 'My shop', provider: 'shopify', secret: SHOP_SECRET }],
    automations: [
      {
        id: 'book-it',
        name: 'Book the order',
        source: 'shop',
        events: ['orders/paid'],
        run: { command: process.execPath, args: [sender], timeoutSeconds: 20 },
      },
    ],
  });
  await app.open('#/feed');
}, 240_000);

afterAll(async () => {
  await app.close();
  await new Promise((r) => books?.close(r));
}, 60_000);

describe('search finds customers', () => {
  it('finds an order by email, first name and product, newest first, and the row names the customer', async () => {
    const older = JSON.stringify(mariasOrder);
    expect(
      (await postHook(app.served, 'shop', older, shopifyHeaders(SHOP_SECRET, older, 'orders/create', 'e1'))).status,
    ).toBe(200);
    const other = JSON.stringify({ ...shopifyOrder(2001, '12.00', 'Omar Haddad'), line_items: [{ title: 'Candle' }] });
    expect(
      (await postHook(app.served, 'shop', other, shopifyHeaders(SHOP_SECRET, other, 'orders/create', 'e2'))).status,
    ).toBe(200);
    const newer = JSON.stringify({
      ...mariasOrder,
      name: '#1077',
      line_items: [{ title: 'Tea towel', price: '8.00' }],
    });
    expect(
      (await postHook(app.served, 'shop', newer, shopifyHeaders(SHOP_SECRET, newer, 'orders/create', 'e3'))).status,
    ).toBe(200);
    // A forged request naming Maria is not found by her name: its payload is unverified.
    const forged = JSON.stringify({ ...mariasOrder, name: '#6666' });
    expect(
      (await postHook(app.served, 'shop', forged, shopifyHeaders('wrong', forged, 'orders/create', 'e4'))).status,
    ).toBe(401);

    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/feed'));
    const rows = page.locator('.feed-row');
    // The list settles on exactly the expected rows (it shows all 4 events before the first search).
    const search = async (q: string, count: number) => {
      await page.getByLabel('Search events').fill(q);
      const seen = { texts: [] as string[] };
      return waitFor(
        async () => {
          const texts = await rows.allInnerTexts();
          seen.texts = texts;
          return texts.length === count && texts.every((t) => /María García/.test(t)) ? texts : undefined;
        },
        15_000,
        `${count} results for ${q}`,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; the feed showed: ${JSON.stringify(seen.texts)}`);
      });
    };
    const byEmail = await search('maria@example.com', 2);
    expect(byEmail[0]).toContain('#1077');
    expect(byEmail[1]).toContain('#1042');
    await search('Maria', 2);
    const mug = await search('mug', 1);
    expect(mug[0]).toMatch(/Order #1042 — €59\.00 — María García/);
    await screenshot(page, 'h6-feed-search-customer');

    // A search left open takes in a new order whose words are only in its payload (the dashboard asks the server).
    await page.getByLabel('Search events').fill('lavender');
    await waitFor(async () => (await rows.count()) === 0, 15_000, 'no lavender yet');
    const live = JSON.stringify({ ...mariasOrder, name: '#1088', line_items: [{ title: 'Lavender sachet', price: '4.00' }] });
    expect((await postHook(app.served, 'shop', live, shopifyHeaders(SHOP_SECRET, live, 'orders/create', 'e5'))).status).toBe(200);
    await waitFor(
      async () => {
        const texts = await rows.allInnerTexts();
        return texts.length === 1 && /#1088/.test(texts[0]!) ? texts : undefined;
      },
      15_000,
      'the new lavender order shown while searching',
    );
    await page.getByLabel('Search events').fill('');
  });
});

describe('a send to a destination that does not exist', () => {
  it('is a visible failed send, and is delivered on retry once "Bookkeeper" is added', async () => {
    const body = JSON.stringify(shopifyOrder(1042, '59.00', 'María García'));
    expect(
      (await postHook(app.served, 'shop', body, shopifyHeaders(SHOP_SECRET, body, 'orders/paid', 'p1'))).status,
    ).toBe(200);
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/outbox'));
    const failed = page.locator('.delivery', { hasText: 'order_booked' });
    await failed.waitFor({ timeout: 20_000 });
    await waitFor(async () => /Failed/.test(await failed.innerText()), 15_000, 'the send shown failed');
    expect(await failed.innerText()).toMatch(/There is no destination "Bookkeeper"/);
    await waitFor(
      async () => /Failed sends\s*1/.test(await page.locator('.app-header').innerText()),
      15_000,
      'Failed sends 1 in the header',
    );
    await screenshot(page, 'h6-outbox-failed-send');

    await page.getByRole('button', { name: 'Add a destination' }).click();
    const form = page.locator('.destination-form');
    await form.getByLabel('Name').fill('Bookkeeper');
    expect(await form.getByTestId('destination-id').innerText()).toBe('bookkeeper');
    await form.getByLabel('URL').fill(`http://127.0.0.1:${(books.address() as AddressInfo).port}/in`);
    await form.getByRole('button', { name: 'Add destination' }).click();
    const line = page.locator('[data-destination-id="bookkeeper"]');
    await line.waitFor();
    expect(await line.innerText()).toContain('Bookkeeper');
    expect(await line.getByTestId('send-line').innerText()).toContain('"destination":"bookkeeper"');
    const config = await api<{ destinations: { id: string; name?: string }[] }>(app.served, 'GET', '/api/config');
    expect(config.destinations).toMatchObject([{ id: 'bookkeeper', name: 'Bookkeeper' }]);

    await failed.getByRole('button', { name: /Retry now/ }).click();
    await waitFor(async () => /Delivered/.test(await failed.innerText()), 20_000, 'the send delivered');
    expect(booksHits).toBe(1);
    await screenshot(page, 'h6-outbox-delivered-after-retry');
  });
});

describe('adding Stripe before its secret exists', () => {
  it('shows the URL at once, saves without the secret, refuses requests until the secret is pasted', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/sources/new'));
    await page.getByRole('button', { name: /Stripe/ }).click();
    await page.getByLabel('Name').fill('Payments');
    const url = await page.getByTestId('new-source-url').innerText();
    expect(url).toBe(`${app.served.receiverUrl}/hooks/payments`);
    expect(await page.getByTestId('secret-later').innerText()).toMatch(/waiting for its signing secret/);
    await screenshot(page, 'h6-stripe-source-no-secret');
    await page.getByRole('button', { name: 'Add source' }).click();

    const card = page.locator('[data-source-id="payments"]');
    await card.getByTestId('waiting-secret').waitFor();
    const body = JSON.stringify({ id: 'evt_1', type: 'charge.succeeded', data: { object: { object: 'charge' } } });
    const refused = await postHook(app.served, 'payments', body, stripeHeaders(STRIPE_SECRET, body));
    expect(refused.status).toBe(401);
    expect(refused.json.error?.message).toMatch(/"Payments" is waiting for its signing secret/);
    await screenshot(page, 'h6-stripe-source-waiting');

    await card.getByRole('button', { name: 'Paste its secret' }).click();
    await card.getByLabel(/Signing secret/).fill(STRIPE_SECRET);
    await card.getByRole('button', { name: 'Save changes' }).click();
    await waitFor(async () => /secret saved/.test(await card.innerText()), 15_000, 'secret saved');
    const accepted = await postHook(app.served, 'payments', body, stripeHeaders(STRIPE_SECRET, body));
    expect(accepted.status).toBe(200);
  });

  it('offers to generate the secret for GitHub, which lets the owner choose it', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/sources/new'));
    await page.getByRole('button', { name: /GitHub/ }).click();
    await page.getByRole('button', { name: 'Generate a secret' }).click();
    const secret = await page.getByLabel(/^Secret/).inputValue();
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.getByLabel(/^Secret/).getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });
});

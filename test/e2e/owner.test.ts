// A shop owner's first afternoon, in Chromium against a real `hookdock serve`:
// names instead of ids, rejected requests marked unverified with their whole
// reason, honest status words, header counters that lead to their events,
// focus that follows navigation and dialogs, and a readable 720 px window.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureBuilt } from '../helpers/serve';
import {
  api,
  openDashboard,
  postHook,
  problemsOf,
  screenshot,
  shopifyHeaders,
  shopifyOrder,
  Session,
  waitFor,
} from './_support';

const SECRET = 'owner-shop-secret';
const app = new Session();
let orderId = '';
let rejectedId = '';
let sink: Server;
const received: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  // The other side of a destination: refuses with a reason in its body.
  sink = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"the sheet is locked"}');
    });
  });
  await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', ok));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hooks`;
  await app.serve({
    destinations: [
      {
        id: 'books',
        url: sinkUrl,
        secret: 'whsec_' + Buffer.from('owner-test-secret-bytes').toString('base64'),
        retry: { schedule: [] },
      },
    ],
    sources: [
      { id: 'shop', name: 'My shop', provider: 'shopify', secret: SECRET },
      { id: 'shop-2', name: 'My shop', provider: 'shopify', secret: 'another-secret' },
    ],
    automations: [
      {
        id: 'note-orders',
        name: 'Note new orders',
        source: 'shop',
        events: ['orders/create'],
        // Fails, then waits an hour for its one retry: the run is "retrying".
        run: { command: process.execPath, args: ['-e', 'process.exit(3)'], timeoutSeconds: 20 },
        retry: { schedule: [3_600_000] },
      },
      {
        id: 'ship-paid',
        name: 'Ship paid orders',
        source: 'shop',
        events: ['orders/paid'],
        run: { command: process.execPath, args: ['-e', 'process.exit(4)'], timeoutSeconds: 20 },
        retry: { schedule: [] },
      },
    ],
  });
  const order = JSON.stringify(shopifyOrder(1042, '59.00', 'Maria Lopez'));
  orderId = (await postHook(app.served, 'shop', order, shopifyHeaders(SECRET, order, 'orders/create', 'e-1'))).json.id!;
  const paid = JSON.stringify(shopifyOrder(1043, '12.00'));
  await postHook(app.served, 'shop', paid, shopifyHeaders(SECRET, paid, 'orders/paid', 'e-2'));
  // Signed with the wrong secret: rejected, and its body must not pass for a real order.
  const fake = JSON.stringify(shopifyOrder(9999, '5000.00', 'Evil Person'));
  const r = await postHook(app.served, 'shop', fake, shopifyHeaders('wrong-secret', fake, 'orders/create', 'e-3'));
  expect(r.status).toBe(401);
  await waitFor(
    async () => {
      const s = await api<{ counts: { runsFailed: number; rejectedToday: number } }>(app.served, 'GET', '/api/status');
      const ev = await api<{ runs: { status: string }[] }>(app.served, 'GET', `/api/events/${orderId}`);
      return s.counts.runsFailed === 1 && s.counts.rejectedToday === 1 && ev.runs[0]?.status === 'retrying';
    },
    30_000,
    'the failed, retrying and rejected events',
  );
  const rejected = await api<{ items: { id: string }[] }>(app.served, 'GET', '/api/events?status=rejected');
  rejectedId = rejected.items[0]!.id;
  await app.open('#/feed');
}, 240_000);

afterAll(async () => {
  await app.close();
  await new Promise((ok) => sink?.close(ok));
});

/** Contrast ratio (WCAG 2.x) of an element's text against the first opaque background behind it. */
async function contrastOf(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    let bg: number[] = [255, 255, 255];
    for (let n: Element | null = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) {
        bg = c.slice(0, 3);
        break;
      }
    }
    const a = lum(rgb(getComputedStyle(el).color));
    const b = lum(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

describe('an owner reads the feed', () => {
  it('shows source names, marks the rejected request unverified with its reason, and says Retrying', async () => {
    const page = app.page;
    const orderRow = page.locator(`.feed-row[data-event-id="${orderId}"]`);
    await orderRow.waitFor();
    expect(await orderRow.locator('.feed-source-name').textContent()).toBe('My shop');
    expect(await orderRow.locator('.status-pill').textContent()).toBe('Retrying');
    const fake = page.locator(`.feed-row[data-event-id="${rejectedId}"]`);
    expect(await fake.locator('.unverified-tag').textContent()).toBe('Unverified — may not be from Shopify');
    expect(await fake.textContent()).not.toContain('Evil Person');
    // The whole reason is the row's description, which a keyboard or screen reader user gets on focus.
    const reason = (await api<{ verification: { reason: string } }>(app.served, 'GET', `/api/events/${rejectedId}`))
      .verification.reason;
    expect(reason.length).toBeGreaterThan(30);
    const described = (await fake.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${described}"]`).textContent()).toBe(reason);
    expect(await fake.locator('.rejected-reason').textContent()).toBe(reason);
    // The source filter names sources; the two named alike are told apart.
    const options = await page
      .locator('select[aria-label="Source"], .toolbar select')
      .first()
      .locator('option')
      .allTextContents();
    expect(options).toEqual(expect.arrayContaining(['My shop (shop)']));
    expect(problemsOf(page)).toEqual([]);
  });

  it('has event-type labels at 4.5:1 contrast or more in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openDashboard(app.browser, app.served, '#/feed', scheme);
      await page.locator('.feed-row .feed-type').first().waitFor();
      expect(await contrastOf(page, '.feed-row .feed-type')).toBeGreaterThanOrEqual(4.5);
      await screenshot(page, `owner-feed-1360-${scheme}`);
      await page.setViewportSize({ width: 720, height: 700 });
      await page.locator('.feed-row').first().waitFor();
      // Nothing scrolls sideways at the desktop window's minimum width, and the counters stay in view.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(720);
      const counts = await page.locator('.counts').boundingBox();
      expect(counts!.x + counts!.width).toBeLessThanOrEqual(720);
      await screenshot(page, `owner-feed-720-${scheme}`);
      await page.context().close();
    }
  });

  it('j and k move through the rows from a freshly loaded page', async () => {
    const page = await openDashboard(app.browser, app.served, '#/feed');
    await page.locator('.feed-row').first().waitFor();
    await page.keyboard.press('j');
    await waitFor(
      () => page.evaluate(() => document.activeElement?.classList.contains('feed-row')),
      5000,
      'a focused row',
    );
    const first = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.eventId);
    await page.keyboard.press('j');
    await waitFor(
      () => page.evaluate((id) => (document.activeElement as HTMLElement).dataset.eventId !== id, first),
      5000,
      'the next row',
    );
    await page.context().close();
  });
});

describe('header counters', () => {
  it('lead to the matching filtered feed', async () => {
    const page = app.page;
    await page.getByRole('link', { name: /^1 Rejected today\./ }).click();
    await waitFor(async () => (await page.locator('.feed-row').count()) === 1, 10_000, 'only the rejected row');
    expect(await page.locator('.feed-row').first().getAttribute('data-event-id')).toBe(rejectedId);
    expect(await page.evaluate(() => window.location.hash)).toBe('#/feed');
    await page.getByRole('link', { name: /^1 Failed scripts\./ }).click();
    await waitFor(
      async () => (await page.locator('.feed-row .status-pill').allTextContents()).join() === 'Failed',
      10_000,
      'only the failed event',
    );
    await page.getByRole('link', { name: /^\d+ Events today\./ }).click();
    await waitFor(async () => (await page.locator('.feed-row').count()) === 3, 10_000, 'every event again');
  });
});

describe('the event page', () => {
  it('focuses its heading, says when the retry is due, and gives each attempt its clock time', async () => {
    const page = app.page;
    await page.locator(`.feed-row[data-event-id="${orderId}"]`).click();
    await page.locator('.run-card').waitFor();
    await waitFor(() => page.evaluate(() => document.activeElement?.tagName === 'H1'), 5000, 'the heading focused');
    const pill = await page.locator('.event-header .status-pill').textContent();
    expect(pill).toMatch(/^Retrying at \d\d:\d\d$/);
    expect(await page.locator('.run-card .status-pill').textContent()).toBe(pill);
    expect(await page.getByTestId('next-try').textContent()).toMatch(/next try in (59|60) min/);
    expect(await page.locator('.attempt-clock').first().textContent()).toMatch(/^at \d\d:\d\d:\d\d$/);
    expect(await page.locator('.event-header').textContent()).toContain('From My shop');
    await screenshot(page, 'owner-event-retrying');
  });

  it('shows a rejected request whole, marked unverified, with a link to the source settings', async () => {
    const page = app.page;
    await page.evaluate((id) => (window.location.hash = `#/events/${id}`), rejectedId);
    const note = page.getByRole('note', { name: 'Why it was rejected' });
    await note.waitFor();
    expect(await note.textContent()).toContain('Unverified — may not be from Shopify');
    // Its made-up content is not summarised like a real order in the heading.
    expect(await page.locator('h1').textContent()).not.toContain('Evil Person');
    await page.setViewportSize({ width: 720, height: 800 });
    await screenshot(page, 'owner-event-rejected-720');
    await page.setViewportSize({ width: 1360, height: 860 });
    await note.getByRole('link', { name: 'Check the secret in My shop’s settings' }).click();
    await page.locator('.source-card[data-source-id="shop"] form').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });
});

describe('deleting a source', () => {
  it('tells same-named sources apart and returns focus to the button that opened the dialog', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/sources'));
    const card = page.locator('.source-card[data-source-id="shop"]');
    await card.getByRole('button', { name: /Delete/ }).waitFor();
    await card.getByRole('button', { name: /Delete/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('delete-source-url').textContent()).toMatch(/\/hooks\/shop$/);
    expect(await dialog.getByTestId('delete-source-users').textContent()).toContain('Note new orders');
    await screenshot(page, 'owner-delete-source');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await waitFor(
      () => page.evaluate(() => document.activeElement?.closest('.source-card')?.getAttribute('data-source-id')),
      5000,
      'focus back on the card',
    );
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/Delete/);
  });
});

describe('saving Settings over a bad hand edit', () => {
  it('shows the config error and asks before replacing the file', async () => {
    const page = app.page;
    const file = join(app.served.dataDir, 'config.json');
    const good = JSON.parse(await readFile(file, 'utf8')) as { retention?: { days: unknown } };
    good.retention = { days: 'thirty' };
    const bad = JSON.stringify(good, null, 2);
    await writeFile(file, bad);
    await page.evaluate(() => (window.location.hash = '#/settings'));
    await page.getByRole('alert').filter({ hasText: 'Your config file has a mistake' }).waitFor();
    await page.getByRole('button', { name: 'Save tunnel settings' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'config.json has a hand edit Hookdock could not use' });
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/retention\.days.*save again to replace it/);
    await screenshot(page, 'owner-settings-overwrite-warning');
    expect(await readFile(file, 'utf8')).toBe(bad); // nothing replaced yet
    await page.getByRole('button', { name: 'Save tunnel settings' }).click();
    await waitFor(async () => (await readFile(file, 'utf8')) !== bad, 10_000, 'the file replaced on the second save');
    expect((JSON.parse(await readFile(file, 'utf8')) as { retention: { days: number } }).retention.days).toBe(30);
  });
});

describe('the Outbox', () => {
  it('sends a test to a destination and shows each attempt with the answer and the payload sent', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/outbox'));
    await page.getByRole('button', { name: 'Send a test to books' }).click();
    const item = page.locator('.delivery').filter({ hasText: 'hookdock.test' }).first();
    await item.locator('.status-pill', { hasText: 'Failed' }).waitFor({ timeout: 20_000 });
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!)).toMatchObject({ type: 'hookdock.test', data: { test: true } });
    // The answer is shown although the attempt failed.
    expect(await item.locator('.delivery-response').textContent()).toContain('422 in');
    expect(await item.locator('.delivery-response').textContent()).toContain('the sheet is locked');
    await item.locator('.delivery-details summary').click();
    expect(await item.locator('.delivery-attempts li').first().textContent()).toMatch(
      /Attempt 1 at \d\d:\d\d:\d\d · 422 in .*the sheet is locked/,
    );
    expect(await item.getByLabel('Payload sent').textContent()).toContain('"test": true');
    await screenshot(page, 'owner-outbox-test-send');
  });
});

// A notify automation in a real browser: `hookdock serve` (dist/cli.js) and Chromium with the
// notifications permission granted. A signed Shopify order arrives; the open dashboard shows a
// browser Notification with the rendered title and body; clicking it opens the event. The page's
// Notification is wrapped (the real one still runs) so the test can read what was shown.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/serve';
import {
  launchBrowser,
  openDashboard,
  postHook,
  problemsOf,
  shopifyHeaders,
  startServe,
  type Served,
} from './_support';

const SECRET = 'shop-secret-notify';
let served: Served | null = null;
let browser: Browser | null = null;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

it('shows a browser notification with the rendered text; a click opens the event', async () => {
  served = await startServe({
    sources: [{ id: 'shop', provider: 'shopify', secret: SECRET }],
    automations: [
      {
        id: 'orders',
        source: 'shop',
        events: ['orders/create'],
        action: {
          kind: 'notify',
          title: 'New order from {{ payload.customer.first_name }}',
          body: 'Order {{ payload.id }}: {{ payload.total_price | money: payload.currency }}',
        },
      },
    ],
    tunnel: { provider: 'none' },
  });
  browser = await launchBrowser();
  const page = await openDashboard(browser, served, '#/settings');
  await page.context().grantPermissions(['notifications'], { origin: served.origin });
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body: string }[] = [];
    const last: Notification[] = [];
    class Spy extends Real {
      constructor(title: string, opts?: NotificationOptions) {
        super(title, opts);
        shown.push({ title, body: opts?.body ?? '' });
        last.push(this);
      }
    }
    Object.assign(window, { Notification: Spy, __shown: shown, __last: last });
  });
  await page.reload();
  await page.waitForSelector('.app-header');
  await expect.poll(() => page.getByTestId('browser-notify-state').textContent()).toMatch(/^On: /);

  const body = '{"id":820982911946154508,"total_price":"1199.5","currency":"EUR","customer":{"first_name":"Zoë"}}';
  const res = await postHook(served, 'shop', body, shopifyHeaders(SECRET, body, 'orders/create', 'wh-notify-1'));
  expect(res.status).toBe(200);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __shown: unknown[] }).__shown))
    .toEqual([{ title: 'New order from Zoë', body: 'Order 820982911946154508: €1,199.50' }]);
  await page.evaluate(() => {
    const n = (window as unknown as { __last: Notification[] }).__last[0];
    n.onclick?.call(n, new Event('click'));
  });
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/events/${res.json.id}`);
  expect(problemsOf(page)).toEqual([]);
});

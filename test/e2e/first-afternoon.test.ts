// A shop owner's first afternoon, as a QA pass found it (issue #11, "try the
// product as a new owner would"): no page logs an error to the console (the
// browser's own /favicon.ico request was a 404 on every load); a request that
// fails its check names the source as the owner named it and is "Unverified —
// may not be from Shopify" (a wrong secret in Hookdock fails the real Shopify
// too); and a source waiting for its secret points at the button that exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/serve';
import { openDashboard, postHook, screenshot, Session, shopifyHeaders, shopifyOrder, waitFor } from './_support';

const app = new Session();
const consoleErrors: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  await app.serve({
    sources: [
      { id: 'shop', name: 'My shop', provider: 'shopify', secret: 'shop-secret-qa' },
      { id: 'payments', name: 'Payments', provider: 'stripe' },
    ],
  });
  await app.open('#/feed');
  app.page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
}, 240_000);

afterAll(async () => {
  await app.close();
}, 60_000);

describe('a new owner looking around', () => {
  it('sees no console error on any page, from a fresh load', async () => {
    const page = app.page;
    await page.reload();
    await page.waitForSelector('.app-header');
    for (const hash of ['#/feed', '#/automations', '#/automations/new', '#/sources', '#/outbox', '#/settings']) {
      await page.evaluate((h) => (window.location.hash = h), hash);
      await page.locator('main h1').first().waitFor();
    }
    // The tab's icon is part of the page, not a request that can fail.
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it('reads a wrong-secret request as unverified, naming the source as they named it', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/feed'));
    const body = JSON.stringify(shopifyOrder(5001, '10.00'));
    const res = await postHook(
      app.served,
      'shop',
      body,
      shopifyHeaders('not-the-secret', body, 'orders/paid', 'o-5001'),
    );
    expect(res.status).toBe(401);
    expect(res.json.error?.message).toContain('of source "My shop" in Hookdock');
    const row = page.locator('.feed-row', { hasText: 'Unverified' }).first();
    await row.waitFor();
    expect(await row.locator('.unverified-tag').innerText()).toBe('Unverified — may not be from Shopify');
    expect(await row.innerText()).toContain('of source "My shop" in Hookdock');
    await screenshot(page, 'qa1-feed-unverified-named');
  }, 120_000);

  it('is told to press "Paste its secret" on a source waiting for it, and that button is there', async () => {
    const page = app.page;
    await page.evaluate(() => (window.location.hash = '#/sources'));
    const card = page.locator('.card', { hasText: 'Payments' }).first();
    await card.getByRole('button', { name: /Set-up and test/ }).click();
    await card.getByRole('button', { name: 'Send a test event' }).click();
    const result = card.locator('.test-result');
    await waitFor(async () => /waiting for its signing secret/.test(await result.innerText()), 15_000, 'the refusal');
    expect(await result.innerText()).toContain('open Sources and click "Paste its secret" on it');
    expect(await card.getByRole('button', { name: 'Paste its secret' }).count()).toBe(1);
    await screenshot(page, 'qa1-sources-waiting-for-secret');
  }, 120_000);

  it("reads the whole search hint at the desktop window's minimum width (720 px)", async () => {
    const page = await openDashboard(app.browser, app.served, '#/feed');
    await page.setViewportSize({ width: 720, height: 800 });
    const search = page
      .getByRole('searchbox')
      .or(page.getByPlaceholder(/^Search/))
      .first();
    await search.waitFor();
    // The placeholder's drawn width (in the input's own font) against the room the input gives it.
    const fit = await search.evaluate((el) => {
      const input = el as HTMLInputElement;
      const cs = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      return { text: input.placeholder, needs: ctx.measureText(input.placeholder).width, room };
    });
    expect(fit.text).toMatch(/^Search orders, emails, ids/);
    expect(fit.needs).toBeLessThanOrEqual(fit.room);
    await screenshot(page, 'qa1-feed-720-search');
    await page.context().close();
  }, 120_000);
});

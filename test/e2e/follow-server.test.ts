// Follow mode, server side, in a real browser against a real `hookdock serve --follow-port`:
// the owner adds a follower, copies its one-time pairing link, the link works over real
// HTTP, and revoking it in the dashboard shuts that follower out at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/serve';
import { launchBrowser, openDashboard, screenshot, startServe, waitFor, type Served } from './_support';
import type { Browser, Page } from 'playwright-core';

let served: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureBuilt();
  served = await startServe(
    { sources: [{ id: 'shop', provider: 'shopify', secret: 'shop-secret-follow' }] },
    { HOOKDOCK_FOLLOW_PORT: '0' },
  );
  browser = await launchBrowser();
  page = await openDashboard(browser, served, '#/settings');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
}, 60_000);

describe('Settings → Followers', () => {
  it('adds a follower, shows its link once, and revoking it refuses the link', async () => {
    const followBase = await waitFor(async () => /Follow:\s+(http:\/\/\S+)/.exec(served.output())?.[1]);
    const card = page.getByRole('region', { name: 'Followers' });
    await card.getByLabel('Follower name').fill('Office laptop');
    await card.getByRole('button', { name: 'Add a follower' }).click();
    const linkText = await page.getByTestId('pairing-link-text').textContent();
    expect(linkText).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#hdf_[A-Za-z0-9_-]{43}$/);
    const link = linkText!;
    expect(link.startsWith(`${followBase}/#`)).toBe(true);
    await expect.poll(() => card.getByRole('row', { name: /Office laptop/ }).count()).toBe(1);
    await screenshot(page, 'follow-server-pairing-link');

    const [base, token] = link.split('/#');
    const hello = await fetch(`${base}/follow/v1/hello`, { headers: { Authorization: `Bearer ${token}` } });
    expect(hello.status).toBe(200);
    expect(((await hello.json()) as { follower: { name: string } }).follower.name).toBe('Office laptop');

    await card.getByRole('button', { name: 'Revoke Office laptop' }).click();
    await expect.poll(() => card.getByText('No followers yet.').count()).toBe(1);
    // Shown once: gone with its follower.
    expect(await page.getByTestId('pairing-link').count()).toBe(0);
    const after = await fetch(`${base}/follow/v1/hello`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    await screenshot(page, 'follow-server-revoked');
  });
});

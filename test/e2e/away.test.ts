// "While you were away" in a real browser: `hookdock serve` is killed with -9 and
// restarted on the same data folder; the dashboard then shows the `stopped` gap
// and what each source's provider does about it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gap } from '../../shared/gaps';
import { dashboardApi, ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { launchBrowser, openDashboard, problemsOf, screenshot, type Served } from './_support';

let dir: string | undefined;
let serve: ServeProcess | null = null;
let browser: Browser | null = null;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  await browser?.close();
  await serve?.stop('SIGKILL');
  await removeDir(dir);
});

describe('While you were away', () => {
  it('after a kill -9 and a restart, the panel lists the stopped gap with each provider’s policy', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        sources: [
          { id: 'shop', name: 'My shop', provider: 'shopify', secret: 'shop-secret' },
          { id: 'woo', provider: 'woocommerce', secret: 'woo-secret' },
          { id: 'code', provider: 'github', secret: 'gh-secret' },
        ],
        tunnel: { provider: 'none' },
      }),
    );
    const env = { NODE_ENV: 'production' };
    serve = await startServe(dir, { env });
    expect(await serve.stop('SIGKILL')).toBe('SIGKILL');
    serve = await startServe(dir, { env });
    const { body } = await dashboardApi<{ items: Gap[] }>(serve, '/api/gaps');
    expect(body.items.map((g) => g.cause)).toEqual(['stopped']);

    browser = await launchBrowser();
    const page = await openDashboard(browser, { dashboardUrl: serve.dashboardUrl } as Served);
    const panel = page.getByRole('region', { name: 'While you were away' });
    await panel.waitFor();
    await expect.poll(() => panel.locator('.away-gap').count()).toBe(1);
    expect(await panel.locator('.away-when strong').textContent()).toBe('Hookdock was not running');
    const rows = panel.locator('.away-sources li');
    // The names the owner typed, the id where there is none.
    expect(await rows.locator('strong').allTextContents()).toEqual(['My shop', 'woo', 'code']);
    expect(await rows.nth(0).textContent()).toContain(
      'Shopify keeps retrying what it sent during this gap until about',
    );
    expect(await rows.nth(1).textContent()).toContain('set the webhook’s Status back to Active');
    expect(await rows.nth(2).textContent()).toContain('Recent Deliveries');
    await screenshot(page, 'away-panel');

    // "Got it" hides it, and it stays hidden after a reload.
    await panel.getByRole('button', { name: 'Got it' }).click();
    await panel.waitFor({ state: 'detached' });
    await page.reload();
    await page.waitForSelector('.app-header');
    expect(await page.locator('.away-panel').count()).toBe(0);
    expect(problemsOf(page)).toEqual([]);
  }, 180_000);
});

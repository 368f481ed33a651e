// The header's reachability badge in a real browser, with the owner's own tunnel
// (a local TCP forwarder given as --public-url): "Reachable" while it forwards,
// "Not reachable" with the attention sentence once it has cut two probes in a row.
// Probes come every 150 ms through the test-only HOOKDOCK_PROBE_* variables.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwarder, type Forwarder } from '../helpers/forwarder';
import { ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { launchBrowser, openDashboard, problemsOf, screenshot, type Served } from './_support';

let dir: string | undefined;
let serve: ServeProcess | null = null;
let browser: Browser | null = null;
let forwarder: Forwarder | null = null;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  await browser?.close();
  await serve?.stop('SIGKILL');
  await forwarder?.close();
  await removeDir(dir);
});

describe('Reachability badge', () => {
  it('shows reachable through the owner’s tunnel, then not reachable after it drops twice', async () => {
    dir = await makeTempDir();
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ sources: [{ id: 'shop', provider: 'shopify', secret: 's' }], tunnel: { provider: 'none' } }),
    );
    forwarder = await startForwarder();
    serve = await startServe(dir, {
      args: ['--public-url', forwarder.url],
      env: { NODE_ENV: 'production', HOOKDOCK_PROBE_INTERVAL_MS: '150', HOOKDOCK_PROBE_RETRY_MS: '150' },
    });
    forwarder.setTarget(Number(new URL(serve.receiverUrl).port));

    browser = await launchBrowser();
    const page = await openDashboard(browser, { dashboardUrl: serve.dashboardUrl } as Served);
    const badge = page.locator('.app-header .reachability');
    await page.locator('.app-header .reachability[data-state="reachable"]').waitFor();
    expect(await badge.textContent()).toMatch(/^Reachable · checked /);
    // The header's address pill shows the owner's URL, not "No public address".
    expect(await page.getByLabel('Public address').locator('.tunnel-url').textContent()).toBe(
      forwarder.url.replace('http://', ''),
    );
    await screenshot(page, 'header-reachable');

    forwarder.drop();
    await page.locator('.app-header .reachability[data-state="unreachable"]').waitFor();
    expect(forwarder.dropped()).toBeGreaterThanOrEqual(2);
    expect(await badge.textContent()).toMatch(/^Not reachable · checked /);
    expect(await badge.getAttribute('title')).toMatch(/^Shopify can't reach Hookdock right now: the connection failed/);
    await screenshot(page, 'header-unreachable');
    expect(problemsOf(page)).toEqual([]);
  }, 180_000);
});

// Pairing a desktop with a Hookdock server in a real browser (issue #15): a real server
// (`hookdock serve --follow-port 0`) makes a pairing link; the follower's dashboard, in
// Chromium, takes it in Settings → "Receive through a Hookdock server", the header then
// says "Following …", an event sent to the server shows in the follower's feed, the
// Automations page says where automations run, and "Stop following" ends it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardApi, ensureBuilt, startServe, type ServeProcess } from '../helpers/serve';
import { makeTempDir, removeDir } from '../helpers/tmp';
import { launchBrowser, openDashboard, problemsOf, screenshot, type Served } from './_support';

const dirs: string[] = [];
const procs: ServeProcess[] = [];
let browser: Browser | null = null;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  await browser?.close();
  for (const p of procs) await p.stop('SIGKILL');
  for (const d of dirs) await removeDir(d);
});

describe('Receive through a Hookdock server', () => {
  it('pairs from Settings, shows the connection in the header, and stops following', async () => {
    const serverDir = await makeTempDir();
    const followerDir = await makeTempDir();
    dirs.push(serverDir, followerDir);
    await writeFile(
      join(serverDir, 'config.json'),
      JSON.stringify({ tunnel: { provider: 'none' }, sources: [{ id: 'shop', provider: 'none', name: 'My shop' }] }),
    );
    await writeFile(
      join(followerDir, 'config.json'),
      JSON.stringify({
        tunnel: { provider: 'none' },
        automations: [
          {
            id: 'log',
            name: 'Log orders',
            source: 'shop',
            events: ['*'],
            action: { kind: 'csv', file: join(followerDir, 'o.csv'), columns: [{ name: 'Id', value: '{{ id }}' }] },
          },
        ],
      }),
    );
    const server = await startServe(serverDir, { args: ['--follow-port', '0'], env: { NODE_ENV: 'production' } });
    procs.push(server);
    const follower = await startServe(followerDir, { env: { NODE_ENV: 'production' } });
    procs.push(follower);
    const made = await dashboardApi<{ pairingLink: string }>(server, '/api/followers', {
      method: 'POST',
      body: JSON.stringify({ name: 'Laptop' }),
    });
    const link = made.body.pairingLink;
    const host = new URL(link).host;

    browser = await launchBrowser();
    const page = await openDashboard(browser, { dashboardUrl: follower.dashboardUrl } as Served, '#/settings');
    const card = page.getByRole('region', { name: 'Receive through a Hookdock server' });
    const field = card.getByLabel('Pairing link');
    // Plain http to another machine is refused with a sentence.
    await field.fill(`http://192.168.1.20:8790/#hdf_x`);
    await card.getByRole('button', { name: 'Follow this server' }).click();
    await card.getByText(/plain http:\/\/ to 192\.168\.1\.20, which would send its token unencrypted/).waitFor();

    await field.fill(link);
    await card.getByRole('button', { name: 'Follow this server' }).click();
    const badge = page.locator('[data-testid="follow-badge"][data-state="following"]');
    await badge.waitFor();
    expect(await badge.textContent()).toBe(`Following ${host}`);
    expect(await page.getByTestId('tunnel-following').textContent()).toMatch(/the tunnel stays off/);
    // The saved link is never shown back.
    expect(await field.inputValue()).toBe('');
    expect(await page.content()).not.toContain(link.split('#')[1]);
    await screenshot(page, 'follow-settings-following');

    // An event sent to the server arrives in the follower's feed.
    const res = await fetch(`${server.receiverUrl}/hooks/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-event': 'orders/create' },
      body: JSON.stringify({ id: 'order-1042' }),
    });
    const { id } = (await res.json()) as { id: string };
    await page.goto(`${follower.dashboardBase}/#/feed`);
    await page.locator(`[data-event-id="${id}"], a[href*="${id}"]`).first().waitFor();

    // The server's sources are mirrored, marked followed (no secret asked for, no webhook URL here).
    await page.goto(`${follower.dashboardBase}/#/sources`);
    const mirrored = page.locator('[data-source-id="shop"]');
    expect(await mirrored.getByTestId('followed-source').textContent()).toBe(
      'received through the Hookdock server you follow',
    );
    expect(await mirrored.getByTestId('waiting-secret').count()).toBe(0);

    await page.goto(`${follower.dashboardBase}/#/automations`);
    expect(await page.getByTestId('automations-where').textContent()).toMatch(
      new RegExp(`run on this computer, on every event that reaches it from ${host.replace('.', '\\.')}`),
    );
    await page.getByText('Runs on this computer').waitFor();
    await screenshot(page, 'follow-automations-where');

    await page.goto(`${follower.dashboardBase}/#/settings`);
    await card.getByRole('button', { name: 'Stop following' }).click();
    await page.locator('[data-testid="follow-badge"]').waitFor({ state: 'detached' });
    expect(problemsOf(page)).toEqual([]);
  }, 300_000);
});

// Issue #10 kinds 6 and 9 against a real `hookdock serve` and Chromium: damage
// found in the data folder is in /api/status, the log and a visible notice with
// where the bytes were kept; a secret pasted into config.json without quotes
// never reaches configError, the page, the log or an API error.
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../shared/types';
import { createStore } from '../../electron/engine/store';
import { memoryLogger } from '../../electron/engine/util/logger';
import { ensureBuilt } from '../helpers/serve';
import { waitFor } from '../helpers/tmp';
import { makeEvent } from '../engine/store-helpers';
import { api, launchBrowser, openDashboard, problemsOf, screenshot, startServe, type Served } from './_support';
import type { Browser } from 'playwright-core';

const SHOP_SECRET = 'shop-secret-for-damage-tests';
// A Shopify-style hex secret: no prefix the logger could recognise by shape.
const PASTED = 'c0ffee4d2b9a71e3f5d8c6b4a2e0f9d7c5b3a1e9';

/** 17 events in segments of 5, then the sealed segment 2 deleted (as a bad backup restore would). */
async function damagedStore(dataDir: string): Promise<void> {
  const store = createStore({ dataDir, logger: memoryLogger(), tuning: { segmentEvents: 5 } });
  await store.open();
  for (let i = 0; i < 17; i++) await store.appendEvent(makeEvent(i));
  await store.close();
  await rm(join(dataDir, 'store', 'segments', 'events-000002.json'));
}

function expectNoSecret(text: string): void {
  for (let n = 6; n <= PASTED.length; n++) expect(text).not.toContain(PASTED.slice(0, n));
}

let served: Served;
let browser: Browser;

beforeAll(async () => {
  await ensureBuilt();
  served = await startServe({ sources: [{ id: 'shop', provider: 'shopify', secret: SHOP_SECRET }] }, {}, damagedStore);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
}, 60_000);

describe('damage found at start', () => {
  it('is in /api/status with where the bytes were kept, and in the log', async () => {
    const status = await api<Status>(served, 'GET', '/api/status');
    expect(status.counts.events).toBe(12);
    expect(status.store.damage).toHaveLength(1);
    const [d] = status.store.damage;
    expect(d.kind).toBe('missing-segment');
    expect(d.file).toBe(join(served.dataDir, 'store', 'segments', 'events-000002.json'));
    expect(d.quarantinedAs!.startsWith(join(served.dataDir, 'quarantine') + '/')).toBe(true);
    await access(d.quarantinedAs!);
    expect(d.bytes).toBeGreaterThan(0);
    expect(served.output()).toMatch(/ERROR .*events-000002\.json is missing/);
  });

  it('is shown in the dashboard: what happened and where the file was kept', async () => {
    const status = await api<Status>(served, 'GET', '/api/status');
    const page = await openDashboard(browser, served);
    const notice = page.getByTestId('damage-notice');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('kept it aside');
    expect(text).toContain('events-000002.json is missing');
    expect(text).toContain('5 events');
    expect(text).toContain(status.store.damage[0].quarantinedAs!);
    expect(text).toContain(join(served.dataDir, 'quarantine'));
    await screenshot(page, 'damage-notice');
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe('a secret pasted without quotes', () => {
  it('is in neither configError, the page, the log nor an API error; the place of the fault is', async () => {
    await writeFile(
      join(served.dataDir, 'config.json'),
      `{\n  "sources": [\n    { "id": "shop", "provider": "shopify", "secret": ${PASTED} }\n  ]\n}\n`,
    );
    const status = await waitFor(
      async () => {
        const s = await api<Status>(served, 'GET', '/api/status');
        return s.configError ? s : null;
      },
      30_000,
      'configError',
    );
    expect(status.configError).toContain('line 3, column 54 (at sources[0].secret)');
    expectNoSecret(status.configError!);

    const page = await openDashboard(browser, served);
    await page.getByText('Your config file has a mistake').waitFor();
    expectNoSecret(await page.locator('body').innerText());
    await page.context().close();

    // The UI's own save path: a body that is not JSON, and a secret where a field name goes.
    const bad = await fetch(`${served.origin}/api/sources/shop`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
      body: `{"id":"shop","provider":"shopify","secret":${PASTED}}`,
    });
    expect(bad.status).toBe(400);
    expectNoSecret(await bad.text());
    const odd = await fetch(`${served.origin}/api/sources/shop`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'shop', provider: 'shopify', secret: 'fine-secret-1', [PASTED]: true }),
    });
    expect(odd.status).toBe(400);
    expectNoSecret(await odd.text());

    expectNoSecret(served.output());
  });
});

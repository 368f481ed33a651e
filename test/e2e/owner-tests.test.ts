// Tests, test runs and replays as an owner meets them, in a real browser against a
// real `hookdock serve` (issue #11, majors 1 and 5 and replay): "Send a test event"
// is marked Test everywhere and runs no automation unless the box is ticked; a
// failed "Test it" run never turns a real event red nor raises "Failed scripts";
// Replay asks first and the script can tell it is a replay.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { HookEvent, Status } from '../../shared/types';
import { ensureBuilt } from '../helpers/serve';
import { api, postHook, problemsOf, screenshot, Session, shopifyHeaders, shopifyOrder, waitFor } from './_support';

const SHOP_SECRET = 'shop-secret-owner-tests';
const app = new Session();
let seen = '';

const status = () => api<Status>(app.served, 'GET', '/api/status');
const eventOf = (id: string) => api<HookEvent>(app.served, 'GET', `/api/events/${id}`);

beforeAll(async () => {
  await ensureBuilt();
  const scripts = await app.scriptsDir('hookdock-e2e-owner-');
  seen = join(scripts, 'seen.log');
  // Notes every event it runs for, with the markers a careful script checks.
  const note = join(scripts, 'note.mjs');
  await writeFile(
    note,
    `import {appendFileSync} from 'node:fs';let s='';process.stdin.on('data',d=>s+=d);process.stdin.on('end',()=>{` +
      `const e=JSON.parse(s);const line=[process.env.HOOKDOCK_EVENT_ID,'test='+(process.env.HOOKDOCK_TEST??''),` +
      `'replay='+(process.env.HOOKDOCK_REPLAY??''),'reason='+e.run.reason,'envelopeTest='+e.test].join(' ');` +
      `appendFileSync(${JSON.stringify(seen)}, line+'\\n');console.log(line);});`,
  );
  const broken = join(scripts, 'broken.mjs');
  await writeFile(broken, `console.error('the label printer is offline');process.exit(4);`);
  await app.serve({
    sources: [{ id: 'shop', provider: 'shopify', secret: SHOP_SECRET }],
    automations: [
      {
        id: 'note-orders',
        name: 'Note new orders',
        source: 'shop',
        events: ['orders/*'],
        run: { command: process.execPath, args: [note], timeoutSeconds: 20 },
      },
      {
        id: 'print-label',
        name: 'Print a label',
        source: 'shop',
        events: ['fulfillments/create'],
        run: { command: process.execPath, args: [broken], timeoutSeconds: 20 },
        retry: { maxAttempts: 1 },
      },
    ],
  });
  await app.open('#/sources');
}, 240_000);

afterAll(() => app.close(), 60_000);

/** The shop source's set-up panel, with its "Send a test event" button. */
async function openSetup() {
  await app.page.evaluate(() => (window.location.hash = '#/sources'));
  const card = app.page.locator('[data-source-id="shop"]');
  await card.getByRole('button', { name: 'Set-up and test' }).click();
  return card;
}

const seenLines = async () => (existsSync(seen) ? (await readFile(seen, 'utf8')).trim().split('\n') : []);

describe('"Send a test event"', () => {
  it('is marked Test in the feed and on its page, counts nothing and runs no automation unless asked', async () => {
    const page = app.page;
    const card = await openSetup();
    const box = card.getByLabel('Also run my automations on it');
    expect(await box.isChecked()).toBe(false);
    await card.getByRole('button', { name: 'Send a test event' }).click();
    const result = card.locator('.test-result');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/No automation ran \(tests don't run them unless you ask\)/);
    const testId = (await result.getByRole('link', { name: 'Open the test event' }).getAttribute('href'))!
      .split('/')
      .pop()!;

    const event = await eventOf(testId);
    expect(event).toMatchObject({ test: true, runs: [] });
    expect((await status()).counts.eventsToday).toBe(0);

    await page.evaluate(() => (window.location.hash = '#/feed'));
    const row = page.locator(`.feed-row[data-event-id="${testId}"]`);
    await row.waitFor();
    expect(await row.locator('.tag-test').innerText()).toBe('Test');
    expect(await row.getAttribute('aria-label')).toMatch(/^Test event: /);
    await expect.poll(() => shownCount(page, 'Events today')).toBe('0');
    await screenshot(page, 'feed-test-event');

    await row.click();
    await page.getByTestId('test-notice').waitFor();
    expect(await page.getByTestId('test-notice').innerText()).toMatch(/^Test event\. .*left out of the counts/);
    // Not "it really came from shop": Hookdock made and signed it.
    expect(await page.locator('.verification').innerText()).toMatch(/Hookdock signed this sample/);
    expect(await page.locator('.run-card').count()).toBe(0);
    // Not "No automation matched": one does, and the page says why it did not run.
    expect(await page.locator('.event-main').innerText()).toMatch(/No automation ran: a test event runs them only/);
    await screenshot(page, 'event-test-event');
  }, 120_000);

  it('runs the automations when the box is ticked, and the script sees HOOKDOCK_TEST=1', async () => {
    const card = await openSetup();
    await card.getByLabel('Also run my automations on it').check();
    await card.getByRole('button', { name: 'Send a test event' }).click();
    await card.locator('.test-result', { hasText: '1 automation started on it' }).waitFor();
    await screenshot(app.page, 'sources-test-event-run-automations');
    const href = await card.getByRole('link', { name: 'Open the test event' }).getAttribute('href');
    const testId = href!.split('/').pop()!;
    const lines = await waitFor(
      async () => {
        const mine = (await seenLines()).filter((l) => l.startsWith(testId));
        return mine.length ? mine : null;
      },
      15_000,
      'the script to run on the test event',
    );
    expect(lines).toEqual([`${testId} test=1 replay= reason=event envelopeTest=true`]);
    // Only the ticked one ran: the first test event never reached the script.
    expect(await seenLines()).toHaveLength(1);
    expect((await status()).counts).toMatchObject({ eventsToday: 0, runsFailed: 0 });
  }, 120_000);
});

describe('a failed "Test it" run', () => {
  it('is labelled "Test run" and leaves the real event Done and "Failed scripts" at 0', async () => {
    const page = app.page;
    const body = JSON.stringify(shopifyOrder(3001, '42.00', 'Maria Lopez'));
    const posted = await postHook(app.served, 'shop', body, shopifyHeaders(SHOP_SECRET, body, 'orders/paid', 'o-3001'));
    const realId = posted.json.id!;
    await waitFor(async () => (await eventOf(realId)).status === 'done', 15_000, 'the real order to be done');

    await page.evaluate(() => (window.location.hash = '#/automations/print-label'));
    await page.getByRole('heading', { name: 'Test it' }).waitFor();
    const picker = page.getByLabel('Test with this past event');
    await expect.poll(() => picker.locator(`option[value="${realId}"]`).count()).toBe(1);
    await picker.selectOption(realId);
    await page.getByRole('button', { name: 'Run test' }).click();
    const tested = page.locator('.test-run .run-card');
    await tested.locator('.status-pill', { hasText: 'Failed' }).waitFor({ timeout: 15_000 });
    expect(await tested.locator('.tag-test').innerText()).toBe('Test run');

    const after = await eventOf(realId);
    expect(after.status).toBe('done');
    expect(after.runs.find((r) => r.automationId === 'print-label')).toMatchObject({ reason: 'test', test: true });
    expect((await status()).counts.runsFailed).toBe(0);

    await page.evaluate(() => (window.location.hash = '#/feed'));
    const row = page.locator(`.feed-row[data-event-id="${realId}"]`);
    await row.waitFor();
    expect(await row.locator('.status-pill').innerText()).toBe('Done');
    expect(await shownCount(page, 'Failed scripts')).toBe('0');

    await row.click();
    const card = page.locator('.run-card[data-reason="test"]');
    await card.waitFor();
    expect(await card.locator('.tag-test').innerText()).toBe('Test run');
    expect(await card.getByRole('button', { name: 'Run again' }).count()).toBe(0);
    expect(await page.locator('.event-header .status-pill').innerText()).toBe('Done');
  }, 120_000);
});

describe('Replay', () => {
  it('asks first, explaining the same event id and HOOKDOCK_REPLAY=1, and the run is labelled Replay', async () => {
    const page = app.page;
    const body = JSON.stringify(shopifyOrder(3002, '18.00', 'Jane Doe'));
    const posted = await postHook(
      app.served,
      'shop',
      body,
      shopifyHeaders(SHOP_SECRET, body, 'orders/create', 'o-3002'),
    );
    const id = posted.json.id!;
    await waitFor(async () => (await eventOf(id)).status === 'done', 15_000, 'the order to be done');
    await page.evaluate((h) => (window.location.hash = h), `#/events/${id}`);
    await page.locator('.run-card').first().waitFor();

    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay this event?' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    expect(text).toContain(`HOOKDOCK_EVENT_ID=${id}`);
    expect(text).toContain('HOOKDOCK_REPLAY=1');
    // Nothing ran yet: it only asked.
    expect((await eventOf(id)).runs).toHaveLength(1);
    await screenshot(page, 'replay-confirm');

    await dialog.getByRole('button', { name: 'Replay now' }).click();
    const replayCard = page.locator('.run-card[data-reason="replay"]');
    await replayCard.locator('.status-pill', { hasText: 'Succeeded' }).waitFor({ timeout: 15_000 });
    expect(await replayCard.locator('.tag-replay').innerText()).toBe('Replay');
    const lines = (await seenLines()).filter((l) => l.startsWith(id));
    expect(lines).toEqual([
      `${id} test= replay= reason=event envelopeTest=false`,
      `${id} test= replay=1 reason=replay envelopeTest=false`,
    ]);
    await screenshot(page, 'event-replayed');
    expect(problemsOf(page)).toEqual([]);
  }, 120_000);
});

/** The number a header counter shows (its link also holds words for screen readers, visually hidden). */
function shownCount(page: Page, label: string): Promise<string> {
  return page
    .locator('.counts div', { hasText: label })
    .locator('dd a')
    .evaluate((a) => a.firstChild?.textContent ?? '');
}

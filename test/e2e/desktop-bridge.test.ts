// The same built UI as the Electron window runs it: no HTTP API at all, only a
// `window.hookdock` bridge (shared/bridge.ts) and `window.hookdockDesktop`.
// The Electron runtime is the one thing faked here (an in-page bridge with the
// preload's shape, errors as data); the files are the real dist/renderer build.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, launchBrowser, problemsOf, screenshot, watchProblems } from './_support';

const ORIGIN = 'http://hookdock.app.test';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

let browser: Browser;
let page: Page;
const httpCalls: string[] = [];

/** Runs in the page before the app: a bridge answering like the preload does. */
function installBridge() {
  const now = new Date().toISOString();
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  const opens = new Set<(t: unknown) => void>();
  const event = {
    id: 'evt_desktop_1',
    source: 'shop',
    provider: 'shopify',
    type: 'orders/create',
    status: 'done',
    receivedAt: now,
    providerEventId: 'p1',
    verification: { ok: true, reason: null },
    summary: 'Order #1042 — $59.00 — Jane Doe',
    sizeBytes: 120,
    redeliveries: 0,
    replayOf: null,
  };
  const status = {
    version: '0.1.0',
    receiverUrl: 'http://127.0.0.1:8787',
    publicUrl: 'https://shop-123.ngrok.app',
    tunnel: { state: 'online', provider: 'ngrok', url: 'https://shop-123.ngrok.app', error: null, since: now },
    counts: { events: 1, eventsToday: 1, rejectedToday: 0, runsFailed: 0, deliveriesFailed: 0, jobsPending: 0 },
    automationsPaused: false,
    store: { writable: true, lastWriteError: null, quarantined: [], damage: [] },
    configError: null,
    dataDir: '/home/me/.config/Hookdock',
  };
  const config = {
    sources: [
      {
        id: 'shop',
        provider: 'shopify',
        secret: '••••',
        hasSecret: true,
        webhookUrl: 'https://shop-123.ngrok.app/hooks/shop',
      },
    ],
    automations: [],
    destinations: [],
    tunnel: { provider: 'ngrok', authtoken: '••••', domain: null, hasAuthtoken: true },
    retention: { days: 30 },
    limits: { maxBodyBytes: 5242880, ratePerSecond: 200, burst: 1000, concurrency: 4 },
  };
  const answers: Record<string, (args: { id?: string }) => unknown> = {
    getStatus: () => status,
    getConfig: () => config,
    listEvents: () => ({ items: [event], nextCursor: null }),
    listEventTypes: () => ({ items: [{ source: 'shop', type: 'orders/create', lastSeenAt: now, count: 1 }] }),
    getEvent: ({ id }) =>
      id === event.id
        ? {
            ...event,
            headers: { 'x-shopify-topic': 'orders/create' },
            body: { text: '{"name":"#1042"}' },
            payload: { name: '#1042' },
            runs: [],
            deliveries: [],
          }
        : {
            error: { code: 'not_found', message: 'That event was not found. It may have been removed after 30 days.' },
          },
  };
  const api: Record<string, unknown> = {
    listen: (name: string, fn: (p: unknown) => void) => {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name)!.add(fn);
      return () => handlers.get(name)!.delete(fn);
    },
  };
  for (const m of [
    'getStatus',
    'listEvents',
    'getEvent',
    'replayEvent',
    'listEventTypes',
    'retryRun',
    'listOutbox',
    'retryDelivery',
    'setAutomationsPaused',
    'getConfig',
    'saveSource',
    'deleteSource',
    'sendTestEvent',
    'saveAutomation',
    'deleteAutomation',
    'testRunAutomation',
    'saveDestination',
    'deleteDestination',
    'updateSettings',
  ]) {
    api[m] = async (args: { id?: string }) =>
      answers[m] ? answers[m](args) : { error: { code: 'x', message: `${m} is not part of this test.` } };
  }
  const w = window as unknown as Record<string, unknown>;
  w.hookdock = api;
  w.hookdockDesktop = {
    onOpen: (fn: (t: unknown) => void) => {
      opens.add(fn);
      return () => opens.delete(fn);
    },
  };
  w.__push = (name: string, payload: unknown) => handlers.get(name)?.forEach((fn) => fn(payload));
  w.__open = (target: unknown) => opens.forEach((fn) => fn(target));
  w.__event = event;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/renderer is not built: run `npm run build` before the e2e tests (npm test does).');
  }
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  // Serve the real build; anything else (an HTTP API call) would be a bug here.
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(ROOT, 'dist', 'renderer', path === '/' ? 'index.html' : path);
    try {
      await route.fulfill({
        body: await readFile(file),
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      });
    } catch {
      await route.fulfill({ status: 404, body: 'not here' });
    }
  });
  await context.addInitScript(installBridge);
  page = await context.newPage();
  watchProblems(page);
  page.on('request', (r) => {
    if (/\/api\//.test(r.url())) httpCalls.push(r.url());
  });
  await page.goto(`${ORIGIN}/index.html#/feed`);
  await page.waitForSelector('.feed-row');
}, 120_000);

afterAll(async () => {
  await browser?.close();
}, 60_000);

describe('the UI over the desktop bridge', () => {
  it('shows the feed and the public URL from the bridge, with a copy button', async () => {
    expect(await page.locator('.feed-row').first().innerText()).toMatch(/Order #1042 — \$59\.00/);
    const tunnel = page.getByLabel('Public address');
    expect(await tunnel.innerText()).toMatch(/shop-123\.ngrok\.app/);
    expect(await tunnel.getByRole('button', { name: 'Copy public URL' }).count()).toBe(1);
  });

  it('says loudly when the webhook URL changes', async () => {
    await page.evaluate(() =>
      (window as unknown as { __push: (n: string, p: unknown) => void }).__push('tunnel.urlChanged', {
        previous: 'https://shop-123.ngrok.app',
        url: 'https://shop-456.ngrok.app',
      }),
    );
    const banner = page.getByRole('alert').filter({ hasText: 'Your webhook URL changed — update Shopify/Stripe' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('https://shop-456.ngrok.app');
    expect(await page.getByLabel('Public address').innerText()).toMatch(/shop-456\.ngrok\.app/);
    await screenshot(page, 'tunnel-url-changed');
    await banner.getByRole('button', { name: 'Done' }).click();
    expect(await banner.count()).toBe(0);
  });

  it('adds pushed events live and opens what the tray asks for', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { __push: (n: string, p: unknown) => void; __event: Record<string, unknown> };
      w.__push('event.created', { ...w.__event, id: 'evt_desktop_2', summary: 'Order #1043 — $12.00' });
    });
    await page.locator('.feed-row[data-event-id="evt_desktop_2"]').waitFor({ timeout: 1000 });
    await page.evaluate(() =>
      (window as unknown as { __open: (t: unknown) => void }).__open({ view: 'event', id: 'evt_desktop_1' }),
    );
    await page.getByRole('heading', { level: 1, name: /Order created/ }).waitFor();
    expect(page.url()).toMatch(/#\/events\/evt_desktop_1$/);
  });

  it('shows an error from the bridge as a sentence', async () => {
    await page.evaluate(() => (window.location.hash = '#/events/evt_gone'));
    await page.getByText('This event could not be opened').waitFor();
    expect(await page.locator('.empty-state').innerText()).toMatch(
      /That event was not found\. It may have been removed after 30 days\./,
    );
    expect(problemsOf(page)).toEqual([]);
    // Everything went through the bridge: no HTTP API call, no EventSource.
    expect(httpCalls).toEqual([]);
  });
});

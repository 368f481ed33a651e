// Shared by the browser end-to-end tests: a real `hookdock serve` (dist/cli.js)
// on free ports with its own temp data dir, a headless Debian Chromium driven
// by playwright-core, signed webhooks, and screenshots as test artifacts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.HOOKDOCK_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');

export interface Served {
  dataDir: string;
  receiverUrl: string;
  dashboardUrl: string;
  /** The dashboard origin, without the token. */
  origin: string;
  token: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `node dist/cli.js serve` with the given config.json and waits for its URLs. */
export async function startServe(
  config: object = {},
  env: Record<string, string> = {},
  /** Runs on the data dir before the server starts (e.g. seeding a store). */
  prepare?: (dataDir: string) => Promise<void>,
): Promise<Served> {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli) || !existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/ is not built: run `npm run build` before the e2e tests (npm test does).');
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'hookdock-e2e-'));
  await writeFile(join(dataDir, 'config.json'), JSON.stringify(config, null, 2));
  await prepare?.(dataDir);
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--data-dir', dataDir, '--port', '0', '--dashboard-port', '0', '--tunnel', 'none'],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const urls = await new Promise<{ receiverUrl: string; dashboardUrl: string }>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`hookdock serve did not print its URLs in time:\n${out}`)), 60_000);
    const check = () => {
      const r = /Receiver:\s+(http:\/\/\S+)/.exec(out);
      const d = /Dashboard:\s+(http:\/\/\S+)/.exec(out);
      if (r && d) {
        clearTimeout(timer);
        res({ receiverUrl: r[1], dashboardUrl: d[1] });
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`hookdock serve exited with ${code}:\n${out}`));
    });
  });
  const u = new URL(urls.dashboardUrl);
  return {
    dataDir,
    ...urls,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    output: () => out,
    stop: () => stopChild(child, dataDir),
  };
}

async function stopChild(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dataDir, { recursive: true, force: true });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A logged-in page: opening the printed link sets the session cookie. */
export async function openDashboard(
  browser: Browser,
  served: Served,
  hash = '#/feed',
  colorScheme: 'light' | 'dark' = 'light',
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme });
  const page = await context.newPage();
  watchProblems(page);
  await page.goto(served.dashboardUrl);
  await page.waitForSelector('.app-header');
  if (hash) await page.evaluate((h) => (window.location.hash = h), hash);
  return page;
}

const pageProblems = new WeakMap<Page, string[]>();

/** Records CSP violations and uncaught errors: a bug, whatever the test checks. */
export function watchProblems(page: Page): void {
  const problems: string[] = [];
  pageProblems.set(page, problems);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Uncaught|React/i.test(msg.text())) problems.push(msg.text());
  });
}

/** CSP violations and uncaught errors seen on a page opened with openDashboard. */
export function problemsOf(page: Page): string[] {
  return pageProblems.get(page) ?? [];
}

/**
 * Saves the view as test-artifacts/screenshots/<name>.png. Toasts left over from
 * the steps before would cover the view's own buttons: hidden unless asked for.
 */
export async function screenshot(page: Page, name: string, opts: { toasts?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  // The app scrolls inside <main>: grow the window to show the whole view.
  const size = page.viewportSize() ?? { width: 1360, height: 860 };
  const needed = await page.evaluate(() => {
    const main = document.querySelector('.app-main');
    if (!main || main.classList.contains('view-feed')) return 0;
    return main.getBoundingClientRect().top + main.scrollHeight;
  });
  if (needed > size.height)
    await page.setViewportSize({ width: size.width, height: Math.min(Math.ceil(needed), 4000) });
  // Through the CSSOM, not an injected <style>: the app's CSP (rightly) refuses inline styles.
  const setToasts = (visibility: string) =>
    page.evaluate((v) => {
      const region = document.querySelector<HTMLElement>('.toast-region');
      if (region) region.style.visibility = v;
    }, visibility);
  if (!opts.toasts) await setToasts('hidden');
  await page.screenshot({ path: file });
  if (!opts.toasts) await setToasts('');
  if (needed > size.height) await page.setViewportSize(size);
  return file;
}

export function shopifyHeaders(secret: string, body: string, topic: string, id: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-event-id': id,
    'x-shopify-shop-domain': 'demo-shop.myshopify.com',
    'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
  };
}

export function stripeHeaders(secret: string, body: string): Record<string, string> {
  const t = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${sig}` };
}

export async function postHook(
  served: Served,
  source: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: { id?: string; duplicate?: boolean; error?: { message: string } } }> {
  const res = await fetch(`${served.receiverUrl}/hooks/${source}`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as { id?: string } };
}

/** The dashboard API with the bearer token, for set-up and checks outside the page. */
export async function api<T = unknown>(served: Served, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${served.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export function shopifyOrder(n: number, total: string, name = 'Jane Doe'): object {
  const [first, last] = name.split(' ');
  return {
    id: 820982911946154500 + n,
    name: `#${n}`,
    order_number: n,
    email: `${first.toLowerCase()}@example.com`,
    total_price: total,
    currency: 'USD',
    customer: { first_name: first, last_name: last },
    line_items: [{ title: 'Blue mug', quantity: 2, price: (Number(total) / 2).toFixed(2) }],
  };
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What one test file shares: a temp folder for its scripts, one `hookdock serve`,
 * one browser and one logged-in page. Fields are set by the calls, in order:
 * scriptsDir() (optional), serve(), open(); close() undoes whatever was done.
 */
export class Session {
  scripts = '';
  served!: Served;
  browser!: Browser;
  page!: Page;

  async scriptsDir(prefix: string): Promise<string> {
    this.scripts = await mkdtemp(join(tmpdir(), prefix));
    return this.scripts;
  }

  async serve(config: object): Promise<Served> {
    this.served = await startServe(config);
    return this.served;
  }

  /** The browser and the logged-in page, once the test has set up what it should show. */
  async open(hash = '#/feed'): Promise<Page> {
    this.browser = await launchBrowser();
    this.page = await openDashboard(this.browser, this.served, hash);
    return this.page;
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.served?.stop();
    if (this.scripts) await rm(this.scripts, { recursive: true, force: true });
  }
}

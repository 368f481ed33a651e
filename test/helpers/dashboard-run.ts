// A browser end-to-end test file's real resources: dist/ built before its tests, then the
// `hookdock serve` process under test, its temp data folder, the Chromium browser and a
// provider's fake API, all closed (and the folder removed) after its tests.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ensureBuilt, type ServeProcess } from './serve';
import { removeDir } from './tmp';

/** What the tests started; each is set by the test that starts it and may be replaced (a restart). */
export interface DashboardRun<F> {
  /** The serve process's data folder (from makeTempDir). */
  dir: string | undefined;
  serve: ServeProcess | null;
  browser: Browser | null;
  /** The provider's fake API (Stripe, Shopify …) whose base URL the serve process was given. */
  fake: F | null;
}

/**
 * Call at the top of a test file: builds dist/ before its tests (up to 180 s) and, after them,
 * closes the browser, stops the serve process, closes the fake API and removes the data folder,
 * whichever of them the tests set on the returned run.
 */
export function dashboardRun<F extends { close(): Promise<void> }>(): DashboardRun<F> {
  const run: DashboardRun<F> = { dir: undefined, serve: null, browser: null, fake: null };
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(async () => {
    await run.browser?.close();
    await run.serve?.stop();
    await run.fake?.close();
    await removeDir(run.dir);
  });
  return run;
}

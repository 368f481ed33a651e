// A store test's per-test setup: a temp data folder and the real stores opened on it, closed
// and removed after each test. (Apart from store-helpers.ts, which the benches import outside vitest.)
import { afterEach, beforeEach } from 'vitest';
import { openStore, tempDir } from '../engine/store-helpers';

type StoreOptions = NonNullable<Parameters<typeof openStore>[1]>;

export interface StoresPerTest {
  /** This test's data folder: a new temp folder per test, removed after it. */
  readonly dir: string;
  /** Opens a real store on `dir` with `options` (by default those given to storePerTest), closed after the test. */
  start(options?: StoreOptions): ReturnType<typeof openStore>;
  /** The stores still to close after the test; a test that closes one itself (a restart) may take it off. */
  opened: { close(): Promise<void> }[];
}

/**
 * Registers, in the calling test file, a new temp data folder per test and the closing of every
 * store `start()` opened on it, then the folder's removal. Stores close newest first and a close
 * that fails fails the test; with `ignoreCloseErrors` (tests that close stores themselves or
 * damage their files on purpose) they close in the order opened and a failed close is passed over.
 */
export function storePerTest(defaults: StoreOptions = {}, opts: { ignoreCloseErrors?: boolean } = {}): StoresPerTest {
  let dir = '';
  let cleanup: () => Promise<void> = async () => {};
  const opened: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    if (opts.ignoreCloseErrors) for (const s of opened.splice(0)) await s.close().catch(() => {});
    else while (opened.length) await opened.pop()!.close();
    await cleanup();
  });
  return {
    get dir() {
      return dir;
    },
    async start(options = defaults) {
      const store = await openStore(dir, options);
      opened.push(store);
      return store;
    },
    opened,
  };
}

// A store test's per-test setup: a temp data folder and the real stores opened on it, closed
// and removed after each test. (Apart from store-helpers.ts, which the benches import outside vitest.)
import { afterEach, beforeEach } from 'vitest';
import { openStore, tempDir } from '../engine/store-helpers';

/**
 * Per test, in the calling file: a new temp data folder (removed after the test) and `start()`,
 * which opens a real store on it with segments of 4 events. Every store `start()` opened is
 * closed after the test, newest first, unless the test took it off `opened` (closed it itself
 * before opening the folder again, as a restart).
 */
export function storePerTest(): {
  start: () => ReturnType<typeof openStore>;
  opened: { close(): Promise<void> }[];
} {
  let dir: string;
  let cleanup: () => Promise<void>;
  const opened: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
    await cleanup();
  });
  const start = async () => {
    const store = await openStore(dir, { tuning: { segmentEvents: 4 } });
    opened.push(store);
    return store;
  };
  return { start, opened };
}

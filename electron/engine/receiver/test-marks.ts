// How "Send a test event" tells the receiver that the request it is about to post
// is Hookdock's own sample: a one-time random token in a header. The sample goes
// through the real receiver (signature check, storage) like any webhook; only a
// request carrying a token this process issued, and not yet used, is marked a test.
// A token is useless once used or released, and unguessable (128 bits) before, so
// nobody reaching the receiver through the tunnel can mark their request a test.
import { randomBytes } from 'node:crypto';

/** The header the token travels in; removed from the stored event's headers. */
export const TEST_HEADER = 'x-hookdock-test';

/** What the owner chose for this one test event. */
export interface TestMark {
  /** Run the owner's automations on it (they are off for tests unless asked for). */
  runAutomations: boolean;
}

export interface TestMarks {
  /** A fresh token for one request; `release()` forgets it if it was never used. */
  issue(mark: TestMark): { token: string; release(): void };
  /**
   * The mark for a request's (lower-cased) headers, or null when it carries no live
   * token. Consumes the token and deletes the header from `headers`.
   */
  claim(headers: Record<string, string>): TestMark | null;
}

export function createTestMarks(): TestMarks {
  const live = new Map<string, TestMark>();
  return {
    issue(mark) {
      const token = randomBytes(16).toString('hex');
      live.set(token, mark);
      return { token, release: () => void live.delete(token) };
    },
    claim(headers) {
      const token = headers[TEST_HEADER];
      if (token === undefined) return null;
      const mark = live.get(token);
      if (!mark) return null; // not ours: an ordinary header, kept as sent
      live.delete(token);
      delete headers[TEST_HEADER];
      return mark;
    },
  };
}

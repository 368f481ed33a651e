// The open-file limit read from /proc/self/limits, and the receiver's share of it.
import { describe, expect, it } from 'vitest';
import {
  ASSUMED_OPEN_FILE_LIMIT,
  openFileLimit,
  parseOpenFileLimit,
  receiverConnectionCap,
} from '../../electron/engine/util/fd-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63711                63711                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('open-file limit', () => {
  it('reads the soft limit, not the hard one', () => {
    expect(parseOpenFileLimit(LIMITS)).toBe(1024);
  });

  it('is null when there is no number to read', () => {
    expect(
      parseOpenFileLimit('Max open files            unlimited            unlimited            files\n'),
    ).toBeNull();
    expect(parseOpenFileLimit('')).toBeNull();
  });

  it('assumes 1,024 where /proc cannot be read, and says so', () => {
    const missing = () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(openFileLimit(missing)).toEqual({ limit: ASSUMED_OPEN_FILE_LIMIT, known: false });
    expect(openFileLimit(() => LIMITS)).toEqual({ limit: 1024, known: true });
  });

  it("leaves the dashboard's 64 and 128 more for files and scripts, within 32..10,000", () => {
    expect(receiverConnectionCap(1024)).toBe(832);
    expect(receiverConnectionCap(256)).toBe(64);
    expect(receiverConnectionCap(100)).toBe(32);
    expect(receiverConnectionCap(1_048_576)).toBe(10_000);
  });
});

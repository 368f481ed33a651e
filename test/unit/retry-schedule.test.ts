import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT_RETRY, maxAttempts, nextDelayMs } from '../../electron/engine/jobs/backoff';
import { describeRetry, formatDelay, retryDelays, scriptRetrySchedule } from '../../shared/retry';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('script retry defaults', () => {
  it('span hours, not seconds: 8 attempts, the last about 15.6 h after the first', () => {
    expect(maxAttempts(DEFAULT_SCRIPT_RETRY)).toBe(8);
    const delays = Array.from({ length: 7 }, (_, i) => nextDelayMs(DEFAULT_SCRIPT_RETRY, i + 1)!);
    expect(delays).toEqual([1 * MIN, 5 * MIN, 30 * MIN, 1 * HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR]);
    expect(delays.reduce((a, b) => a + b)).toBe(15 * HOUR + 36 * MIN);
    expect(nextDelayMs(DEFAULT_SCRIPT_RETRY, 8)).toBeNull();
  });

  it('cut short or extended by 8 h steps for another retry count', () => {
    expect(scriptRetrySchedule(0)).toEqual({ schedule: [] });
    expect(scriptRetrySchedule(3)).toEqual({ schedule: [MIN, 5 * MIN, 30 * MIN] });
    expect(scriptRetrySchedule(9).schedule.slice(6)).toEqual([8 * HOUR, 8 * HOUR, 8 * HOUR]);
  });
});

describe('describing a retry config', () => {
  it('formats delays as an owner reads them', () => {
    expect(formatDelay(5000)).toBe('5 s');
    expect(formatDelay(5 * MIN)).toBe('5 min');
    expect(formatDelay(90 * MIN)).toBe('1 h 30 min');
    expect(formatDelay(48 * HOUR)).toBe('2 days');
  });

  it('says a schedule, an exponential backoff (as upper bounds) and no retries', () => {
    expect(describeRetry({ schedule: [MIN, 5 * MIN] })).toBe(
      'If it fails: retries after ~1 min, 5 min; gives up about 6 min after the first try.',
    );
    const exp = { maxAttempts: 4, initialDelayMs: 10_000, maxDelayMs: 30_000 };
    expect(retryDelays(exp)).toEqual([10_000, 20_000, 30_000]);
    expect(describeRetry(exp)).toBe(
      'If it fails: retries after up to 10 s, 20 s, 30 s; gives up at most 1 min after the first try.',
    );
    expect(describeRetry({ schedule: [] })).toMatch(/^If it fails: no retries/);
  });
});

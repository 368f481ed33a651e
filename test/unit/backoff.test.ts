import { describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config';
import {
  DEFAULT_OUTBOX_RETRY,
  DEFAULT_SCRIPT_RETRY,
  maxAttempts,
  nextDelayMs,
  toRetryPolicy,
  type RetryPolicy,
} from '../../electron/engine/jobs/backoff';

const exp: RetryPolicy = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1000 };

describe('nextDelayMs, exponential form', () => {
  it('runs the first attempt at once', () => {
    expect(nextDelayMs(exp, 0)).toBe(0);
  });

  it('stays between initialDelayMs and the doubling cap, reaching both ends', () => {
    // attempt n failed -> [100, min(1000, 100 * 2^(n-1))]
    const caps = [100, 200, 400, 800, 1000];
    caps.forEach((cap, i) => {
      const n = i + 1;
      expect(nextDelayMs(exp, n, () => 0)).toBe(100);
      expect(nextDelayMs(exp, n, () => 0.999999)).toBe(cap);
      expect(nextDelayMs(exp, n, () => 0.5)).toBe(Math.round(100 + 0.5 * (cap - 100)));
    });
  });

  it('spreads delays out (jitter) with a real random source', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const d = nextDelayMs(exp, 4)!;
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(800);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('gives null once maxAttempts attempts were made', () => {
    expect(nextDelayMs(exp, 5, () => 0)).not.toBeNull();
    expect(nextDelayMs(exp, 6)).toBeNull();
    expect(nextDelayMs(exp, 60)).toBeNull();
    expect(nextDelayMs({ maxAttempts: 1, initialDelayMs: 5, maxDelayMs: 5 }, 1)).toBeNull();
  });

  it('never overflows for long budgets and never goes below 0 or above the max', () => {
    const p: RetryPolicy = { maxAttempts: 100, initialDelayMs: 10_000, maxDelayMs: 3_600_000 };
    expect(nextDelayMs(p, 99, () => 0.999999)).toBeGreaterThan(3_599_000);
    expect(nextDelayMs(p, 99, () => 0.999999)).toBeLessThanOrEqual(3_600_000);
    // initial above max: the max wins.
    const odd: RetryPolicy = { maxAttempts: 3, initialDelayMs: 5000, maxDelayMs: 1000 };
    expect(nextDelayMs(odd, 1, () => 0)).toBe(1000);
    expect(nextDelayMs(odd, 2, () => 0.9)).toBe(1000);
  });
});

describe('nextDelayMs, schedule form', () => {
  const s: RetryPolicy = { schedule: [10, 20, 30] };
  it('uses the nth delay, with schedule.length + 1 attempts in all', () => {
    expect(maxAttempts(s)).toBe(4);
    expect(nextDelayMs(s, 1)).toBe(10);
    expect(nextDelayMs(s, 2)).toBe(20);
    expect(nextDelayMs(s, 3)).toBe(30);
    expect(nextDelayMs(s, 4)).toBeNull();
  });
  it('an empty schedule means one attempt', () => {
    expect(nextDelayMs({ schedule: [] }, 1)).toBeNull();
  });
});

describe('defaults and config', () => {
  it('outbox follows the Standard Webhooks schedule', () => {
    expect(maxAttempts(DEFAULT_OUTBOX_RETRY)).toBe(10);
    const h = 3_600_000;
    expect(nextDelayMs(DEFAULT_OUTBOX_RETRY, 1)).toBe(5000);
    expect(nextDelayMs(DEFAULT_OUTBOX_RETRY, 2)).toBe(300_000);
    expect(nextDelayMs(DEFAULT_OUTBOX_RETRY, 9)).toBe(24 * h);
    expect(nextDelayMs(DEFAULT_OUTBOX_RETRY, 10)).toBeNull();
  });
  it('scripts: 8 attempts over hours (1 min first, 8 h last), whatever the jitter draw', () => {
    expect(maxAttempts(DEFAULT_SCRIPT_RETRY)).toBe(8);
    expect(nextDelayMs(DEFAULT_SCRIPT_RETRY, 1, () => 0.5)).toBe(60_000);
    expect(nextDelayMs(DEFAULT_SCRIPT_RETRY, 7, () => 0.999999)).toBe(8 * 3_600_000);
    expect(nextDelayMs(DEFAULT_SCRIPT_RETRY, 8)).toBeNull();
  });
  it('toRetryPolicy takes the config retry (defaults filled by the schema) or the fallback, as a copy', () => {
    const cfg = configSchema.parse({
      destinations: [
        { id: 'a', url: 'http://x.test/', secret: 'whsec_AAAA', retry: { maxAttempts: 3 } },
        { id: 'b', url: 'http://x.test/', secret: 'whsec_AAAA', retry: { schedule: [1, 2] } },
      ],
    });
    expect(toRetryPolicy(cfg.destinations[0].retry, DEFAULT_OUTBOX_RETRY)).toEqual({
      maxAttempts: 3,
      initialDelayMs: 10_000,
      maxDelayMs: 3_600_000,
    });
    const sched = toRetryPolicy(cfg.destinations[1].retry, DEFAULT_OUTBOX_RETRY);
    expect(sched).toEqual({ schedule: [1, 2] });
    const fallback = toRetryPolicy(undefined, DEFAULT_OUTBOX_RETRY);
    expect(fallback).toEqual(DEFAULT_OUTBOX_RETRY);
    expect(fallback).not.toBe(DEFAULT_OUTBOX_RETRY);
    (fallback as { schedule: number[] }).schedule.push(1);
    expect(maxAttempts(DEFAULT_OUTBOX_RETRY)).toBe(10);
  });
});

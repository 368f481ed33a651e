// Per-key token buckets: `burst` tokens at most, refilled at `ratePerSecond`.
// Rate and burst are passed on each call so a config edit applies at once.
// Keys are source ids (known sources only), so the map stays small.
interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiter {
  /** Takes `cost` tokens (1 by default); when too few are left, says how many whole seconds until there are. */
  take(
    key: string,
    now: number,
    ratePerSecond: number,
    burst: number,
    cost?: number,
  ): { ok: true } | { ok: false; retryAfterSec: number };
}

export function createRateLimiter(): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, now, ratePerSecond, burst, cost = 1) {
      let b = buckets.get(key);
      if (!b) {
        b = { tokens: burst, at: now };
        buckets.set(key, b);
      }
      const elapsedSec = Math.max(0, now - b.at) / 1000;
      b.tokens = Math.min(burst, b.tokens + elapsedSec * ratePerSecond);
      b.at = now;
      if (b.tokens >= cost) {
        b.tokens -= cost;
        return { ok: true };
      }
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((cost - b.tokens) / ratePerSecond)) };
    },
  };
}

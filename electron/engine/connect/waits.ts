// The Connect manager's timers on the injected clock: sleeps (rate limits) and
// callbacks later (retries, the periodic check), all cancelled at once on stop.
import type { Clock } from '../util/clock';
import { ConnectError } from './types';

export interface Waits {
  /** Aborted on cancelAll(): handed to connectors so a stop does not wait on the network. */
  readonly signal: AbortSignal;
  /** Resolves after `ms`; rejects when cancelled. */
  sleep(ms: number): Promise<void>;
  /** Calls `fn` after `ms` unless cancelled first. */
  later(ms: number, fn: () => void): void;
  cancelAll(): void;
}

export function createWaits(clock: Clock): Waits {
  const abort = new AbortController();
  const pending = new Map<unknown, () => void>();

  const schedule = (ms: number, fn: () => void, onCancel: () => void) => {
    if (abort.signal.aborted) return onCancel();
    const handle = clock.setTimeout(() => {
      pending.delete(handle);
      fn();
    }, ms);
    (handle as { unref?: () => void } | null)?.unref?.();
    pending.set(handle, onCancel);
  };

  return {
    signal: abort.signal,
    sleep: (ms) => new Promise<void>((ok, fail) => schedule(ms, ok, () => fail(new Error('Hookdock is stopping.')))),
    later: (ms, fn) => schedule(ms, fn, () => undefined),
    cancelAll() {
      abort.abort();
      for (const [handle, onCancel] of pending) {
        clock.clearTimeout(handle);
        onCancel();
      }
      pending.clear();
    },
  };
}

/**
 * Runs `fn`; when it fails with a rate-limited ConnectError, sleeps what the provider asked
 * (Retry-After, `retryAfterMs`), else 1 s, 2 s, 4 s… (at most 60 s), and tries again, up to `tries` in all.
 */
export async function retryRateLimited<T>(
  fn: () => Promise<T>,
  tries: number,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConnectError) || err.kind !== 'rate-limited' || attempt >= tries) throw err;
      await sleep(err.retryAfterMs ?? Math.min(60_000, 1000 * 2 ** (attempt - 1)));
    }
  }
}

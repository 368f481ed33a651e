// Giving memory back after a stranger's storm of uploads. Every body chunk a
// refused or shed upload sent was read into a buffer of its own (node's sockets
// allocate one per read) and dropped: garbage held outside V8's heap, which V8
// collects only when that outside memory grows by about 64 MiB more or at its
// next full collection, which an idle receiver may not run for a long while.
// So the receiver notes how many such bytes it threw away, and once they reach
// GIVE_BACK_BYTES and no more have come for QUIET_MS it asks V8 for one full
// collection (a few ms to ~100 ms on a desktop-sized heap, at most once per
// storm). Measured by `npm run bench strangers` (RSS 3 s after 200 stalled 5 MB
// uploads close, without and with it).
import v8 from 'node:v8';
import vm from 'node:vm';

/** Thrown-away body bytes that make a collection worth it. */
export const GIVE_BACK_BYTES = 32 * 1024 * 1024;
/** How long no more must come before collecting, in ms (a storm is over). */
export const QUIET_MS = 1_000;

export interface GiveBack {
  /** `bytes` of request bodies were read and thrown away (refused, shed or aborted uploads). */
  discarded(bytes: number): void;
}

/**
 * `collect` runs a full garbage collection (default: V8's own, from a context where
 * `--expose-gc` makes it available; nothing when the runtime refuses). Timers are unref'd.
 */
export function createGiveBack(collect: (() => void) | null = fullCollection()): GiveBack {
  let pending = 0;
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    timer = null;
    pending = 0;
    collect?.();
  };
  return {
    discarded(bytes) {
      if (!collect || bytes <= 0) return;
      pending += bytes;
      if (pending < GIVE_BACK_BYTES) return;
      if (timer) timer.refresh();
      else {
        timer = setTimeout(run, QUIET_MS);
        timer.unref();
      }
    },
  };
}

let collector: (() => void) | null | undefined;

/** V8's full collection, or null. The flag makes `gc` a global of contexts made after it; the main one is untouched. */
export function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
    collector = typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    collector = null;
  }
  return collector;
}

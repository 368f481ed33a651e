// After a storm of refused uploads the receiver asks V8 for one full collection
// (util/give-back.ts): only once enough bytes were thrown away, and only once the
// storm is over.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGiveBack, fullCollection, GIVE_BACK_BYTES, QUIET_MS } from '../../electron/engine/util/give-back';

afterEach(() => vi.useRealTimers());

describe('giving memory back after a storm of refused uploads', () => {
  it('collects once, when enough was thrown away and nothing more came for a while', () => {
    vi.useFakeTimers();
    let collections = 0;
    const give = createGiveBack(() => collections++);
    give.discarded(GIVE_BACK_BYTES - 1);
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(collections).toBe(0); // not worth a collection yet

    give.discarded(1);
    vi.advanceTimersByTime(QUIET_MS / 2);
    give.discarded(5 * 1024 * 1024); // the storm goes on: the wait starts again
    vi.advanceTimersByTime(QUIET_MS / 2 + 1);
    expect(collections).toBe(0);
    vi.advanceTimersByTime(QUIET_MS);
    expect(collections).toBe(1);

    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(collections).toBe(1); // counting starts over
    give.discarded(GIVE_BACK_BYTES);
    vi.advanceTimersByTime(QUIET_MS);
    expect(collections).toBe(2);
  });

  it('finds V8’s own full collection in this runtime (no --expose-gc on the command line)', () => {
    const gcBefore = (globalThis as { gc?: unknown }).gc;
    const collect = fullCollection();
    expect(typeof collect).toBe('function');
    collect!(); // runs a real full collection
    // The main context is untouched: `gc` appears only in the context made for it.
    expect((globalThis as { gc?: unknown }).gc).toBe(gcBefore);
  });
});

// The "settled" watermark that follow mode pages by (engine/follow/server).
//
// Why: event ids (util/ids.ts) are made in receipt order, but appends complete in
// commit order, and the two differ: a large body, a dedupe wait or a group commit
// can finish an older id after a newer one. A follower that read past id X must
// never later find a smaller id appear. So every id is registered here from the
// moment appendEvent is called (the receiver makes the id and calls appendEvent in
// the same synchronous step) until that append is settled (stored, a duplicate or
// failed), and readers only see ids strictly below the smallest one in flight.
// Below the watermark, id order IS commit order for every reader: nothing smaller
// can commit any more. Across restarts nothing is in flight, and newId is floored
// at the newest stored id (raiseIdFloor in util/ids.ts) so a clock set back cannot
// mint an id below one already served.
export class SettledWatermark {
  /** id -> how many appends of it are in flight (a retried id may be appended twice at once). */
  private readonly inflight = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  /** Marks `id` in flight until end(id) is called for this begin (once each). */
  begin(id: string): void {
    this.inflight.set(id, (this.inflight.get(id) ?? 0) + 1);
  }

  /** One append of `id` has settled (stored, a duplicate or failed): call once per begin. */
  end(id: string): void {
    const n = (this.inflight.get(id) ?? 1) - 1;
    if (n > 0) this.inflight.set(id, n);
    else this.inflight.delete(id);
    for (const fn of this.listeners) {
      try {
        fn();
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  /** The smallest id still being appended, or null when every append has settled. */
  below(): string | null {
    let min: string | null = null;
    for (const id of this.inflight.keys()) if (min === null || id < min) min = id;
    return min;
  }

  /** Called after each append settles (in the append's own promise chain, before its caller resumes). */
  onSettled(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/**
 * Settled ids after `after` in id order (= commit order, see above), from the index's
 * ascending id list. `keep` filters (skipped ids still advance `next`). At most `limit`
 * kept ids; `scanned` is the last id looked at (the cursor to continue after);
 * `behind` counts the kept settled ids after it (exactly for the first COUNT_EXACTLY ids
 * ahead, every id beyond: an upper bound only when a follower is that far behind).
 */
export function settledIdsAfter(
  order: readonly string[],
  after: string | null,
  below: string | null,
  limit: number,
  keep: (id: string) => boolean,
): { ids: string[]; scanned: string | null; behind: number } {
  const start = after === null ? 0 : upperBound(order, after);
  const end = below === null ? order.length : lowerBound(order, below);
  const ids: string[] = [];
  let i = start;
  for (; i < end && ids.length < limit; i++) if (keep(order[i])) ids.push(order[i]);
  // Exact up to COUNT_EXACTLY ids ahead; past that the rest count as they stand (an upper bound).
  let behind = 0;
  const stop = Math.min(end, i + COUNT_EXACTLY);
  for (let j = i; j < stop; j++) if (keep(order[j])) behind++;
  behind += Math.max(0, end - stop);
  return { ids, scanned: i > start ? order[i - 1] : after, behind };
}

/** How far ahead `behind` is counted id by id (filtered exactly); beyond, every id counts. */
export const COUNT_EXACTLY = 20_000;

function lowerBound(order: readonly string[], id: string): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(order: readonly string[], id: string): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid] <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

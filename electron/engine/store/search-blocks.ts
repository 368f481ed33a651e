// The search texts of the index, concatenated per block of events, so a query
// is a few hundred indexOf calls over long strings instead of one includes()
// per event: 10x faster on a full scan of 100,000 events (test/bench/search.ts).
// Blocks cover the oldest events in index order; the newest (fewer than one
// block) are scanned one by one. After a block is built each entry's text is
// re-pointed at a slice of the block's string, which V8 shares rather than
// copies, so the texts are held once.
import type { IndexEntry } from './event-index';

/** Never in a folded search text that matters: it only keeps one event's text from running into the next. */
const SEPARATOR = '\u0000';

interface Block {
  /** Order positions [start, end). */
  start: number;
  end: number;
  text: string;
  /** offsets[k]: where position start+k begins in text; one more entry marks the end. */
  offsets: Int32Array;
}

export class SearchBlocks {
  private blocks: Block[] = [];
  private covered = 0;
  private building = false;

  /** `order`: the index's ids, oldest first (read afresh each time: the index replaces its array). */
  /**
   * `textOf` reads an entry's text wherever it is kept; `repoint` makes a slice of a
   * block the entry's text (EventIndex: its arena copy, if any, is released).
   */
  constructor(
    private readonly order: () => string[],
    private readonly byId: Map<string, IndexEntry>,
    private readonly textOf: (e: IndexEntry) => string,
    private readonly repoint: (e: IndexEntry, text: string) => void,
    private readonly blockSize = 1024,
  ) {}

  /**
   * Builds missing blocks in the background, one per turn of the event loop, so
   * neither open() nor a search waits for 100,000 texts to be joined; until then
   * the events not yet in a block are scanned one by one.
   */
  schedule(): void {
    if (this.building || this.order().length - this.covered < this.blockSize) return;
    this.building = true;
    const step = () => {
      if (this.order().length - this.covered < this.blockSize) {
        this.building = false;
        return;
      }
      this.buildOne();
      setTimeout(step, 0).unref?.();
    };
    setTimeout(step, 0).unref?.();
  }

  /** Forgets every block (after a removal shifted positions). */
  reset(): void {
    this.blocks = [];
    this.covered = 0;
  }

  /** Forgets the blocks that cover order position `pos` or later (an insert or a changed text there). */
  invalidateFrom(pos: number): void {
    while (this.blocks.length && this.blocks[this.blocks.length - 1].end > pos) this.blocks.pop();
    this.covered = this.blocks.length ? this.blocks[this.blocks.length - 1].end : 0;
  }

  /**
   * Order positions, newest first from `from` (inclusive) down to 0, whose search
   * text contains `term`, each once; the caller checks its other terms and filters on the entry.
   */
  *positionsDesc(from: number, term: string): Generator<number> {
    this.schedule();
    const order = this.order();
    let i = from;
    for (; i >= this.covered; i--) if (this.textOf(this.byId.get(order[i])!).includes(term)) yield i;
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const block = this.blocks[b];
      if (block.start > i) continue;
      const found: number[] = [];
      const { text, offsets } = block;
      const last = Math.min(i, block.end - 1) - block.start;
      const stop = offsets[last + 1];
      let at = text.indexOf(term);
      while (at !== -1 && at < stop) {
        const k = upperBound(offsets, at) - 1;
        found.push(block.start + k);
        at = text.indexOf(term, offsets[k + 1]);
      }
      for (let j = found.length - 1; j >= 0; j--) yield found[j];
    }
  }

  /** Builds blocks over all but the newest (fewer than one block) events now. */
  extend(): void {
    while (this.order().length - this.covered >= this.blockSize) this.buildOne();
  }

  private buildOne(): void {
    const order = this.order();
    const start = this.covered;
    const end = start + this.blockSize;
    const entries: IndexEntry[] = [];
    const texts: string[] = [];
    const offsets = new Int32Array(this.blockSize + 1);
    let length = 0;
    for (let p = start; p < end; p++) {
      const entry = this.byId.get(order[p])!;
      const t = this.textOf(entry);
      entries.push(entry);
      texts.push(t);
      offsets[p - start] = length;
      length += t.length + 1;
    }
    offsets[this.blockSize] = length;
    const text = texts.join(SEPARATOR) + SEPARATOR;
    for (const [k, entry] of entries.entries()) this.repoint(entry, text.slice(offsets[k], offsets[k + 1] - 1));
    this.blocks.push({ start, end, text, offsets });
    this.covered = end;
  }
}

/** First k with offsets[k] > value. */
function upperBound(offsets: Int32Array, value: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

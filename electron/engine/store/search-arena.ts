// Search texts of new events, kept as UTF-8 bytes outside the JS heap until their
// segment is checkpointed. Each event's text (search-text.ts, ~300 bytes) lives as
// long as the event; as a string of its own it was copied twice by V8's young-
// generation collector and then promoted, per webhook: about 10% of the CPU of an
// acknowledgement (npm run bench ack, with and without it). Here it costs a write
// into a 1 MiB buffer, and the index entry holds two numbers. A checkpoint then
// turns a segment's texts into slices of one string (EventIndex.settleTexts), and a
// chunk is freed once none of its texts is left in it: new events come in order,
// so chunks empty oldest first.
import type { IndexEntry } from './event-index';

/** A character V8 cannot keep in a one-byte (Latin-1) string. */
// eslint-disable-next-line no-control-regex
const WIDE = /[^\u0000-\u00ff]/;

/** Bytes per chunk: thousands of texts (SEARCH_TEXT_MAX is 4,096 UTF-16 units, at most 12 KiB of UTF-8). */
export const ARENA_CHUNK_BYTES = 1 << 20;

export class SearchArena {
  private readonly chunks: (Buffer | null)[] = [];
  /** Texts still held per chunk. */
  private readonly held: number[] = [];
  private used = ARENA_CHUNK_BYTES; // no chunk yet
  /** Byte length of the text the last put() stored. */
  lastBytes = 0;

  /** Stores `text`; returns its handle (chunk x ARENA_CHUNK_BYTES + offset) and sets lastBytes. */
  put(text: string): number {
    const most = text.length * 3; // UTF-16 code units to UTF-8 bytes, at worst
    if (this.used + most > ARENA_CHUNK_BYTES) {
      const last = this.chunks.length - 1;
      if (last >= 0 && this.held[last] === 0) this.chunks[last] = null; // emptied while it was the newest
      this.chunks.push(Buffer.allocUnsafeSlow(Math.max(ARENA_CHUNK_BYTES, most)));
      this.held.push(0);
      this.used = 0;
    }
    const c = this.chunks.length - 1;
    const at = this.used;
    this.lastBytes = this.chunks[c]!.write(text, at, 'utf8');
    this.used += this.lastBytes;
    this.held[c]++;
    return c * ARENA_CHUNK_BYTES + at;
  }

  /** The text stored at `handle` (`bytes` long, as put() said). */
  get(handle: number, bytes: number): string {
    const chunk = this.chunks[Math.floor(handle / ARENA_CHUNK_BYTES)];
    if (!chunk) throw new Error('search text already released from the arena');
    const at = handle % ARENA_CHUNK_BYTES;
    return chunk.toString('utf8', at, at + bytes);
  }

  /** Whether `next` is stored in the arena right after the `bytes` from `handle`, in the same chunk. */
  follows(handle: number, bytes: number, next: IndexEntry): boolean {
    return (
      next.t === null &&
      next.ta === handle + bytes &&
      Math.floor(next.ta / ARENA_CHUNK_BYTES) === Math.floor(handle / ARENA_CHUNK_BYTES)
    );
  }

  /** The text at `handle` is no longer needed here; its chunk is freed once it holds none (and is full). */
  release(handle: number): void {
    const c = Math.floor(handle / ARENA_CHUNK_BYTES);
    if (--this.held[c] !== 0) return;
    if (c < this.chunks.length - 1) this.chunks[c] = null;
    else this.used = 0; // the chunk being filled holds nothing any more: filled again from its start
  }

  /** Chunks allocated now (for tests and memory figures). */
  get chunkCount(): number {
    return this.chunks.reduce((n, c) => n + (c ? 1 : 0), 0);
  }
}

/** Where each index entry's search text is: on the heap (`t`), or in the arena (`t` null, `ta`/`tl`). */
export class EntryTexts {
  private readonly arena = new SearchArena();

  /** Moves a new entry's text into the arena (one with a lone surrogate, which UTF-8 cannot hold, stays on the heap). */
  keepInArena(entry: IndexEntry, text: string): void {
    if (!isWellFormed(text)) return;
    entry.t = null;
    entry.ta = this.arena.put(text);
    entry.tl = this.arena.lastBytes;
  }

  /** An entry's search text, wherever it is kept. */
  textOf(entry: IndexEntry): string {
    return entry.t ?? this.arena.get(entry.ta, entry.tl);
  }

  /** Keeps `text` as the entry's search text on the heap (releasing its arena copy, if any). */
  repoint(entry: IndexEntry, text: string): void {
    this.forget(entry);
    entry.t = text;
  }

  /** The entry leaves the index: its arena copy, if any, is released. */
  forget(entry: IndexEntry): void {
    if (entry.t === null) this.arena.release(entry.ta);
  }

  /**
   * The search texts of `entries`, in order, for a sidecar: those still in the arena
   * become slices of one string (one heap object per run of texts stored one after
   * another, not one per event) and leave it. A plain-ASCII run (nearly all) is
   * decoded once and cut at its byte offsets; a run with other characters is
   * decoded text by text, joined, and cut at their lengths.
   */
  settle(entries: IndexEntry[]): string[] {
    const texts: string[] = new Array<string>(entries.length);
    let k = 0;
    while (k < entries.length) {
      const first = entries[k];
      if (first.t !== null) {
        texts[k] = first.t;
        k++;
        continue;
      }
      let end = k + 1;
      let bytes = first.tl;
      while (end < entries.length && this.arena.follows(first.ta, bytes, entries[end])) bytes += entries[end++].tl;
      const run = this.arena.get(first.ta, bytes);
      if (run.length === bytes) this.cut(run, entries, texts, k, end, (e) => e.tl);
      else this.cutEach(entries, texts, k, end);
      k = end;
    }
    return texts;
  }

  /**
   * A run with characters beyond ASCII, text by text: joined in groups of texts that V8 can
   * keep at one byte per character (Latin-1) and groups that need two, so that one text in
   * another script does not double the memory of the texts around it.
   */
  private cutEach(entries: IndexEntry[], texts: string[], from: number, to: number): void {
    const each = entries.slice(from, to).map((e) => this.textOf(e));
    let start = 0;
    while (start < each.length) {
      const wide = WIDE.test(each[start]);
      let stop = start + 1;
      while (stop < each.length && WIDE.test(each[stop]) === wide) stop++;
      const group = each.slice(start, stop);
      this.cut(group.join(''), entries, texts, from + start, from + stop, (_e, j) => each[j - from].length);
      start = stop;
    }
  }

  /** Repoints entries[from, to) at consecutive slices of `run`, `lengthOf` long each. */
  private cut(
    run: string,
    entries: IndexEntry[],
    texts: string[],
    from: number,
    to: number,
    lengthOf: (e: IndexEntry, j: number) => number,
  ): void {
    let at = 0;
    for (let j = from; j < to; j++) {
      const length = lengthOf(entries[j], j);
      const text = run.slice(at, at + length);
      at += length;
      texts[j] = text;
      this.repoint(entries[j], text);
    }
  }

  /** Arena chunks held now. */
  get arenaChunks(): number {
    return this.arena.chunkCount;
  }
}

/** String.prototype.isWellFormed (ES2024, in Node 20): no lone surrogate. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

// Checkpointed events live in bounded lowdb segment files:
//   segments/events-<seq>.json      { seq, events: StoredEvent[] }   full data, at most `segmentEvents`
//   segments/events-<seq>.idx.json  { seq, sealed, segmentBytes, events: EventSummary[] }   the sidecar
// Start-up reads only the sidecars (no bodies), plus the last (hot) segment in
// full. A sealed segment file is written once; later status changes rewrite
// only its small sidecar, which is authoritative for status and redeliveries.
// Write order is always segment then sidecar, so only the last segment can
// have a stale sidecar after a crash, and that one is rebuilt from its data.
import type { EventSummary } from '../../../shared/types';
import type { Logger } from '../util/logger';
import type { StoredEvent } from './types';
import { fsyncDir, writeFileDurable, writeJson, type Faults } from './durable-file';
import type { EventIndex, IndexEntry } from './event-index';
import {
  CACHE_SEGMENTS,
  DAY,
  MAX_SEGMENT_BYTES,
  READ_AHEAD,
  deleteSegmentFiles,
  materialize,
  readOrQuarantine,
  segmentFileBytes,
  segmentJson,
  segmentPath,
  sidecarPath,
  type CheckpointTask,
  type Held,
  type Quarantine,
  type SegmentMeta,
  type SidecarFile,
} from './segment-files';
import {
  quarantineLoneSidecar,
  readLastSegment,
  readOrLoseSegment,
  readSealedSegment,
  scanSegmentDir,
} from './segment-load';

export type { CheckpointTask, Quarantine } from './segment-files';

export class Segments {
  private readonly metas = new Map<number, SegmentMeta>();
  private hot!: SegmentMeta;
  /** Full events in memory: the hot segment, and sealed ones whose file is not written yet. */
  private readonly mem = new Map<number, Map<string, Held>>();
  /** Recently read sealed segments, most recent last. */
  private readonly cache = new Map<number, Map<string, Held>>();
  private readonly reading = new Map<number, Promise<Map<string, Held> | undefined>>();
  private readonly dirtyFull = new Set<number>();
  private readonly dirtySidecar = new Set<number>();

  constructor(
    private readonly dir: string,
    private readonly index: EventIndex,
    private readonly segmentEvents: number,
    private readonly faults: Faults,
    private readonly logger: Logger,
    private readonly quarantine: Quarantine,
  ) {}

  get count(): number {
    return this.metas.size;
  }

  /** Files that differ from memory (a repair found at open, or work a failed checkpoint left). */
  get isDirty(): boolean {
    return this.dirtyFull.size > 0 || this.dirtySidecar.size > 0;
  }

  async load(): Promise<void> {
    const { all, segs, sides, lastSeq } = await scanSegmentDir(this.dir);
    // Sidecars are read a few ahead of the one being indexed, so disk and parse overlap.
    const sealed = all.filter((seq) => segs.has(seq) && seq !== lastSeq);
    const reads = new Map<number, Promise<SidecarFile | null>>();
    const readAhead = (i: number) => {
      const seq = sealed[i];
      if (seq === undefined || !sides.has(seq)) return;
      const read = readOrQuarantine<SidecarFile>(this.sidecarPath(seq), this.quarantine, {
        lost: 'It was rebuilt from the events themselves: status changes made after they were first saved may show older values.',
      });
      read.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      reads.set(seq, read);
    };
    for (let i = 0; i < READ_AHEAD; i++) readAhead(i);
    let sealedAt = 0;
    for (const seq of all) {
      if (!segs.has(seq)) {
        // Prune renames the sidecar aside before deleting the segment, so a lone sidecar is damage.
        await quarantineLoneSidecar(this.dir, seq, this.quarantine);
        continue;
      }
      if (seq === lastSeq) {
        await this.loadLast(seq);
        continue;
      }
      readAhead(sealedAt++ + READ_AHEAD);
      await this.loadSealed(seq, (await reads.get(seq)) ?? null, sides.has(seq));
      reads.delete(seq);
    }
    this.index.finishBulk();
    const lastMeta = this.metas.get(lastSeq);
    if (lastMeta && !lastMeta.sealed) this.hot = lastMeta;
    else this.newHot(Math.max(0, ...all) + 1);
  }

  /** Full event data, from memory, the cache or its segment file. */
  async getEvent(seq: number, id: string): Promise<StoredEvent | undefined> {
    const inMem = this.mem.get(seq);
    if (inMem) return held(inMem.get(id));
    const cached = this.cache.get(seq);
    if (cached) {
      this.cacheSet(seq, cached);
      return held(cached.get(id));
    }
    let reading = this.reading.get(seq);
    if (!reading) {
      reading = this.readSegment(seq).finally(() => this.reading.delete(seq));
      this.reading.set(seq, reading);
    }
    return held((await reading)?.get(id));
  }

  /** A status or redelivery change on an event of this segment: its sidecar needs rewriting. */
  touched(seq: number): void {
    if (this.metas.has(seq)) this.dirtySidecar.add(seq);
  }

  /**
   * The synchronous half of a checkpoint: places the pending events in the hot
   * segment (sealing it when full or a day old) and captures, by reference,
   * what each file must hold now. The returned tasks write it, in seq order.
   */
  snapshot(pending: [string, Held][], now: number): CheckpointTask[] {
    const full = new Set(this.dirtyFull);
    const sideOnly = new Set(this.dirtySidecar);
    this.dirtyFull.clear();
    this.dirtySidecar.clear();
    // Full by count, by size (a few 5 MiB bodies must not make a huge hot file
    // that every checkpoint rewrites), or opened a day ago (so retention can
    // drop it). The day counts from when the segment was opened, not from the
    // events' receive times: a bulk import of old events must fill segments
    // normally, not seal one segment per event.
    const mustSeal = () =>
      this.hot.ids.length >= this.segmentEvents ||
      this.hot.segmentBytes >= MAX_SEGMENT_BYTES ||
      (this.hot.ids.length > 0 && this.hot.openedAt <= now - DAY);
    try {
      return this.place(pending, full, sideOnly, mustSeal, now);
    } catch (err) {
      // Never expected; but then the next checkpoint must redo all of it.
      for (const seq of full) this.dirtyFull.add(seq);
      for (const seq of sideOnly) this.dirtySidecar.add(seq);
      throw err;
    }
  }

  private place(
    pending: [string, Held][],
    full: Set<number>,
    sideOnly: Set<number>,
    mustSeal: () => boolean,
    now: number,
  ): CheckpointTask[] {
    pending.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [id, ev] of pending) {
      const entry = this.index.get(id);
      if (!entry) continue;
      const { sizeBytes, receivedAt } = entry.s;
      if (mustSeal()) this.seal(full);
      const hotMem = this.mem.get(this.hot.seq)!;
      if (!hotMem.has(id)) {
        if (this.hot.ids.length === 0) this.hot.openedAt = now;
        this.hot.ids.push(id);
        // An estimate until the file is written: body twice (text and parsed payload) plus the rest.
        this.hot.segmentBytes += 2 * (sizeBytes || 0) + 1024;
      }
      hotMem.set(id, ev);
      if (!this.hot.oldestAt || receivedAt < this.hot.oldestAt) this.hot.oldestAt = receivedAt;
      if (receivedAt > this.hot.newestAt) this.hot.newestAt = receivedAt;
      entry.seg = this.hot.seq;
      full.add(this.hot.seq);
    }
    if (mustSeal()) this.seal(full);
    const tasks: CheckpointTask[] = [];
    for (const seq of [...new Set([...full, ...sideOnly])].sort((a, b) => a - b)) {
      const meta = this.metas.get(seq);
      if (!meta) continue;
      if (full.has(seq)) tasks.push(this.fullTask(meta));
      else tasks.push(this.sidecarTask(meta));
    }
    return tasks;
  }

  /**
   * Deletes the files of sealed, written segments whose newest event is older
   * than `cutoff`; returns the ids they held. The hot segment and anything not
   * yet checkpointed are never touched.
   */
  /** `keepAfter`: a segment holding any id above it stays (a follower has not acknowledged it). */
  async dropOlderThan(cutoffIso: string, keepAfter?: string, kept?: { events: number }): Promise<Set<string>> {
    const dropped = new Set<string>();
    for (const meta of [...this.metas.values()]) {
      if (!meta.sealed || meta === this.hot || this.mem.has(meta.seq) || this.dirtyFull.has(meta.seq)) continue;
      if (!(meta.newestAt < cutoffIso)) continue;
      if (keepAfter !== undefined && meta.ids.some((id) => id > keepAfter)) {
        if (kept) kept.events += meta.ids.length;
        continue;
      }
      await deleteSegmentFiles(this.dir, meta.seq);
      this.forget(meta.seq);
      for (const id of meta.ids) dropped.add(id);
    }
    if (dropped.size) await fsyncDir(this.dir);
    return dropped;
  }

  private seal(full: Set<number>): void {
    this.hot.sealed = true;
    full.add(this.hot.seq);
    this.newHot(this.hot.seq + 1);
  }

  private newHot(seq: number): void {
    this.hot = { seq, ids: [], oldestAt: '', newestAt: '', sealed: false, segmentBytes: 0, openedAt: 0 };
    this.metas.set(seq, this.hot);
    this.mem.set(seq, new Map());
  }

  private fullTask(meta: SegmentMeta): CheckpointTask {
    const events = this.mem.get(meta.seq) ?? new Map<string, Held>();
    const summaries: EventSummary[] = [];
    const entries: IndexEntry[] = [];
    const parts: Buffer[] = [];
    for (const id of meta.ids) {
      const entry = this.index.get(id);
      const s = entry?.s;
      const e = events.get(id);
      if (!s || !e) continue; // never expected; a checkpoint must not die on it
      summaries.push(s);
      entries.push(entry);
      parts.push(segmentJson(e, s));
    }
    // The texts leave the arena for the heap here (search-arena.ts).
    const search = this.index.settleTexts(entries);
    // Exactly JSON.stringify(SegmentFile) as UTF-8, built from the events' held bytes: now, synchronously.
    const segText = segmentFileBytes(meta.seq, parts);
    const side: SidecarFile = {
      seq: meta.seq,
      sealed: meta.sealed,
      segmentBytes: 0,
      openedAt: meta.openedAt,
      events: summaries,
      search,
    };
    return {
      run: async () => {
        side.segmentBytes = await writeFileDurable(this.segmentPath(meta.seq), segText, this.faults);
        meta.segmentBytes = side.segmentBytes;
        await writeJson(this.sidecarPath(meta.seq), side, this.faults);
        // Written and sealed: its bodies leave memory (and stay a while in the read cache).
        if (meta.sealed && meta !== this.hot && !this.dirtyFull.has(meta.seq)) {
          this.mem.delete(meta.seq);
          this.cacheSet(meta.seq, events);
        }
      },
      failed: () => this.dirtyFull.add(meta.seq),
    };
  }

  private sidecarTask(meta: SegmentMeta): CheckpointTask {
    const entries = meta.ids.map((id) => this.index.get(id)).filter((e) => e !== undefined);
    const side: SidecarFile = {
      seq: meta.seq,
      sealed: meta.sealed,
      segmentBytes: meta.segmentBytes,
      openedAt: meta.openedAt,
      events: entries.map((e) => e.s),
      search: this.index.settleTexts(entries),
    };
    return {
      run: async () => void (await writeJson(this.sidecarPath(meta.seq), side, this.faults)),
      failed: () => this.dirtySidecar.add(meta.seq),
    };
  }

  private async loadSealed(seq: number, sidecar: SidecarFile | null, hadSidecar: boolean): Promise<void> {
    const read = await readSealedSegment(this.dir, seq, sidecar, this.quarantine, hadSidecar);
    if (!read) return;
    this.addMeta(seq, read.summaries, read.texts, true, read.size, sidecar?.openedAt);
    if (read.rebuilt) {
      this.dirtySidecar.add(seq); // written by the next checkpoint
      this.logger.info('Rebuilt a segment index from its segment', { seq });
    }
  }

  private async loadLast(seq: number): Promise<void> {
    const read = await readLastSegment(this.dir, seq, this.quarantine);
    if (!read) return;
    this.addMeta(seq, read.summaries, read.texts, read.sealed, read.size, read.openedAt);
    const events = new Map(read.events.map((e) => [e.id, e]));
    if (read.sealed) this.cacheSet(seq, events);
    else this.mem.set(seq, events);
    if (read.sidecarStale) this.dirtySidecar.add(seq);
  }

  private addMeta(
    seq: number,
    summaries: EventSummary[],
    texts: string[],
    sealed: boolean,
    segmentBytes: number,
    openedAt?: number,
  ): void {
    const meta: SegmentMeta = {
      seq,
      ids: [],
      oldestAt: '',
      newestAt: '',
      sealed,
      segmentBytes,
      openedAt: openedAt ?? 0,
    };
    for (const [i, s] of summaries.entries()) {
      if (this.index.has(s.id)) continue; // two copies (never expected): the first one stays
      this.index.add(s, seq, true, texts[i]);
      meta.ids.push(s.id);
      if (!meta.oldestAt || s.receivedAt < meta.oldestAt) meta.oldestAt = s.receivedAt;
      if (s.receivedAt > meta.newestAt) meta.newestAt = s.receivedAt;
    }
    // A sidecar from before openedAt was kept: its oldest event is the best guess (at most one early seal).
    if (!meta.openedAt && meta.oldestAt) meta.openedAt = Date.parse(meta.oldestAt) || 0;
    this.metas.set(seq, meta);
  }

  private async readSegment(seq: number): Promise<Map<string, Held> | undefined> {
    const seg = await readOrLoseSegment(this.dir, seq, this.metas.get(seq)?.ids.length ?? 0, this.quarantine);
    if (!seg) {
      // Unreadable now (or gone; both kept and reported): forget its events.
      const meta = this.metas.get(seq);
      if (meta) {
        this.forget(seq);
        this.index.remove(new Set(meta.ids));
      }
      return undefined;
    }
    const events = new Map<string, Held>(seg.events.map((e) => [e.id, e]));
    this.cacheSet(seq, events);
    return events;
  }

  private cacheSet(seq: number, events: Map<string, Held>): void {
    this.cache.delete(seq);
    this.cache.set(seq, events);
    while (this.cache.size > CACHE_SEGMENTS) this.cache.delete(this.cache.keys().next().value as number);
  }

  private forget(seq: number): void {
    this.metas.delete(seq);
    this.cache.delete(seq);
    this.mem.delete(seq);
    this.dirtySidecar.delete(seq);
  }

  private segmentPath(seq: number): string {
    return segmentPath(this.dir, seq);
  }

  private sidecarPath(seq: number): string {
    return sidecarPath(this.dir, seq);
  }
}

function held(h: Held | undefined): StoredEvent | undefined {
  return h && materialize(h);
}

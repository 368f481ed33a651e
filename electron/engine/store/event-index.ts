// The in-memory index of every stored event: its summary (no headers, body or
// payload), where its full data lives, the dedupe map and per-type counts.
// Summaries are never mutated, only replaced, so a checkpoint can snapshot
// them by reference and callers never see an object change under them.
import type { EventStatus, EventSummary, Page } from '../../../shared/types';
import type { EventQuery, StoredEvent } from './types';
import { matchesTerms, searchTerms, searchTextOf } from './search-text';
import { EntryTexts } from './search-arena';
import { SearchBlocks } from './search-blocks';
import { resourceKey } from './resource-keys';

/** Where an event's full data is: a segment number, or PENDING (only in the journal, held in memory). */
export const PENDING = -1;

export interface IndexEntry {
  s: EventSummary;
  seg: number;
  /**
   * The folded search text (search-text.ts): what a query scans instead of payloads; null
   * while it is in the arena (a new event not yet checkpointed): read it with EventIndex.textOf.
   */
  t: string | null;
  /** Where the text is in the arena (SearchArena handle) and its length in bytes, while `t` is null. */
  ta: number;
  tl: number;
}

export function toSummary(e: StoredEvent | EventSummary): EventSummary {
  return {
    id: e.id,
    source: e.source,
    provider: e.provider,
    type: e.type,
    status: e.status,
    receivedAt: e.receivedAt,
    providerEventId: e.providerEventId ?? null,
    ...(e.dedupeKey ? { dedupeKey: e.dedupeKey } : {}),
    ...(e.resourceKey ? { resourceKey: e.resourceKey } : {}),
    verification: e.verification,
    summary: e.summary ?? null,
    sizeBytes: e.sizeBytes ?? 0,
    redeliveries: e.redeliveries ?? 0,
    replayOf: e.replayOf ?? null,
    // Only when set: the flag stays out of every ordinary event's summary and record.
    ...(e.test ? { test: true } : {}),
    ...(e.recovered ? { recovered: true } : {}),
  };
}

/**
 * Whether an event counts in "Events today" and "Rejected today": what the providers
 * sent. Test events and edited copies are made in Hookdock (issue #11).
 */
export function countsAsTraffic(s: Pick<EventSummary, 'test' | 'replayOf'>): boolean {
  return !s.test && !s.replayOf;
}

/**
 * The feed's status filter. `duplicate` is never an event's own status (a redelivery is
 * not stored again: its first copy counts it), so it lists the events sent more than once.
 */
export function matchesStatus(s: EventSummary, status: EventStatus): boolean {
  return status === 'duplicate' ? s.redeliveries > 0 : s.status === status;
}

/**
 * The dedupe key, or null when this event takes no part in deduplication: the
 * source with the event's own `dedupeKey` (set by the receiver per provider), or
 * its providerEventId for events stored before dedupeKey existed.
 */
export function dedupeKey(e: {
  source: string;
  providerEventId: string | null;
  dedupeKey?: string | null;
  status: EventStatus;
}): string | null {
  const key = e.dedupeKey ?? e.providerEventId;
  if (e.status === 'rejected' || key == null) return null;
  return `${e.source}\u0000${key}`;
}

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string | null {
  try {
    return Buffer.from(cursor, 'base64url').toString('utf8') || null;
  } catch {
    return null;
  }
}

interface TypeStat {
  source: string;
  type: string;
  lastSeenAt: string;
  count: number;
}

export class EventIndex {
  private readonly byId = new Map<string, IndexEntry>();
  /** Ids ascending; ids are time-ordered (util/ids.ts), so this is oldest first. */
  private order: string[] = [];
  private readonly dedupe = new Map<string, string>();
  /** Webhooks' resource keys (see resourceKey()) -> the first event id. */
  private readonly resources = new Map<string, string>();
  /** source -> type -> stat (nested, to avoid building a key string per event at load). */
  private readonly types = new Map<string, Map<string, TypeStat>>();
  /**
   * Today's counts, kept up to date by add/update/remove once eventCounts() has
   * been asked for a day: the status line asks twice a second under load, and a
   * scan of a busy day's events each time cost more than the events themselves.
   */
  private today: { since: string; events: number; rejected: number } | null = null;
  private readonly texts = new EntryTexts();
  private readonly search = new SearchBlocks(
    () => this.order,
    this.byId,
    (e) => this.texts.textOf(e),
    (e, text) => this.texts.repoint(e, text),
  );

  get size(): number {
    return this.byId.size;
  }

  get(id: string): IndexEntry | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every id, ascending (read-only: follow mode pages through it, see settled.ts). */
  ids(): readonly string[] {
    return this.order;
  }

  findDuplicate(key: string): string | undefined {
    return this.dedupe.get(key);
  }

  /** The first event that a new event with this resource key (see resourceKey()) duplicates, if any. */
  findResourceDuplicate(res: { key: string; recovered: boolean }): string | undefined {
    return res.recovered ? this.resources.get(res.key) : this.dedupe.get(res.key);
  }

  /**
   * Adds, or replaces (returning false). `bulk` (loading at open) appends unordered; call finishBulk() after.
   * `text` is the event's search text (searchTextOf of the full event); without it only the summary's fields are searched.
   */
  add(summary: EventSummary, seg: number, bulk = false, text?: string): boolean {
    const searchText = text ?? searchTextOf(summary);
    const existing = this.byId.get(summary.id);
    if (existing) {
      this.countToday(existing.s, -1);
      this.countToday(summary, 1);
      existing.s = summary;
      existing.seg = seg;
      if (this.texts.textOf(existing) !== searchText) this.search.invalidateFrom(this.lowerBound(summary.id));
      this.texts.repoint(existing, searchText);
      return false;
    }
    const entry: IndexEntry = { s: summary, seg, t: searchText, ta: 0, tl: 0 };
    // A new event's text waits in the arena until its segment is checkpointed (search-arena.ts).
    if (seg === PENDING && !bulk) this.texts.keepInArena(entry, searchText);
    this.byId.set(summary.id, entry);
    this.countToday(summary, 1);
    if (bulk) this.order.push(summary.id);
    else this.insertOrdered(summary.id);
    const key = dedupeKey(summary);
    if (key) {
      const first = this.dedupe.get(key);
      if (first === undefined || summary.id < first) this.dedupe.set(key, summary.id);
    }
    const res = resourceKey(summary);
    if (res && !res.recovered) {
      const first = this.resources.get(res.key);
      if (first === undefined || summary.id < first) this.resources.set(res.key, summary.id);
    }
    // A stranger's unsigned request names whatever type it likes: rejected requests stay out of the type lists.
    if (summary.status === 'rejected') return true;
    let bySource = this.types.get(summary.source);
    if (!bySource) this.types.set(summary.source, (bySource = new Map()));
    const t = bySource.get(summary.type);
    if (!t)
      bySource.set(summary.type, {
        source: summary.source,
        type: summary.type,
        lastSeenAt: summary.receivedAt,
        count: 1,
      });
    else {
      t.count++;
      if (summary.receivedAt > t.lastSeenAt) t.lastSeenAt = summary.receivedAt;
    }
    return true;
  }

  /** An entry's search text, wherever it is kept. */
  textOf(entry: IndexEntry): string {
    return this.texts.textOf(entry);
  }

  /** The search texts of `entries`, in order, for a sidecar; they leave the arena (EntryTexts.settle). */
  settleTexts(entries: IndexEntry[]): string[] {
    return this.texts.settle(entries);
  }

  /** Arena chunks held now (memory figures and tests). */
  get arenaChunks(): number {
    return this.texts.arenaChunks;
  }

  /** One sort after a bulk load, instead of one ordered insert per event. */
  finishBulk(): void {
    for (let i = 1; i < this.order.length; i++) {
      if (this.order[i - 1] > this.order[i]) {
        this.order.sort();
        this.search.reset();
        break;
      }
    }
    this.search.schedule();
  }

  update(id: string, patch: Partial<Pick<EventSummary, 'status' | 'redeliveries'>>): EventSummary | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    const before = entry.s;
    entry.s = { ...before, ...patch };
    if (before.status !== entry.s.status) {
      this.countToday(before, -1);
      this.countToday(entry.s, 1);
    }
    return entry.s;
  }

  /** Summaries of events received before `iso` (prune's candidates), in no particular order. */
  *receivedBefore(iso: string): IterableIterator<EventSummary> {
    for (const { s } of this.byId.values()) if (s.receivedAt < iso) yield s;
  }

  /** Removes events (prune, quarantine). O(n) once per call, not per id. */
  remove(ids: Set<string>): void {
    if (!ids.size) return;
    for (const id of ids) {
      const entry = this.byId.get(id);
      if (!entry) continue;
      this.byId.delete(id);
      this.texts.forget(entry);
      this.countToday(entry.s, -1);
      const key = dedupeKey(entry.s);
      if (key && this.dedupe.get(key) === id) this.dedupe.delete(key);
      const res = resourceKey(entry.s);
      if (res && this.resources.get(res.key) === id) this.resources.delete(res.key);
      const bySource = entry.s.status === 'rejected' ? undefined : this.types.get(entry.s.source);
      const t = bySource?.get(entry.s.type);
      if (t && --t.count <= 0) bySource!.delete(entry.s.type);
      if (bySource && !bySource.size) this.types.delete(entry.s.source);
    }
    this.order = this.order.filter((id) => !ids.has(id));
    this.search.reset();
  }

  list(query: EventQuery): Page<EventSummary> {
    const limit = Math.max(1, Math.min(Math.floor(query.limit) || 50, 1000));
    const terms = query.q ? searchTerms(query.q) : null;
    let i = this.order.length - 1;
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      // Everything strictly older than the last item of the previous page.
      if (after !== null) i = this.lowerBound(after) - 1;
    }
    const items: EventSummary[] = [];
    const keep = (s: EventSummary) =>
      (!query.source || s.source === query.source) &&
      (!query.type || s.type === query.type) &&
      (!query.status || matchesStatus(s, query.status));
    if (terms) {
      // The longest word is the rarest, as a rule: the blocks are scanned for it, the rest checked per match.
      const first = terms.reduce((a, b) => (b.length > a.length ? b : a));
      for (const pos of this.search.positionsDesc(i, first)) {
        const entry = this.byId.get(this.order[pos])!;
        if (!keep(entry.s) || !matchesTerms(this.texts.textOf(entry), terms)) continue;
        if (items.length === limit) return { items, nextCursor: encodeCursor(items[items.length - 1].id) };
        items.push(entry.s);
      }
      return { items, nextCursor: null };
    }
    for (; i >= 0; i--) {
      const s = this.byId.get(this.order[i])!.s;
      if (!keep(s)) continue;
      if (items.length === limit) return { items, nextCursor: encodeCursor(items[items.length - 1].id) };
      items.push(s);
    }
    return { items, nextCursor: null };
  }

  eventTypes(): TypeStat[] {
    return [...this.types.values()]
      .flatMap((bySource) => [...bySource.values()].map((t) => ({ ...t })))
      .sort((a, b) => a.source.localeCompare(b.source) || b.count - a.count || a.type.localeCompare(b.type));
  }

  eventCounts(now: number): { events: number; eventsToday: number; rejectedToday: number } {
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    const since = midnight.toISOString();
    if (this.today?.since === since) {
      return { events: this.byId.size, eventsToday: this.today.events, rejectedToday: this.today.rejected };
    }
    let eventsToday = 0;
    let rejectedToday = 0;
    // Newest first; ids follow arrival time closely, so stop a little past midnight.
    const stopBefore = new Date(midnight.getTime() - 60_000).toISOString();
    for (let i = this.order.length - 1; i >= 0; i--) {
      const s = this.byId.get(this.order[i])!.s;
      if (s.receivedAt < stopBefore) break;
      if (s.receivedAt < since || !countsAsTraffic(s)) continue;
      eventsToday++;
      if (s.status === 'rejected') rejectedToday++;
    }
    this.today = { since, events: eventsToday, rejected: rejectedToday };
    return { events: this.byId.size, eventsToday, rejectedToday };
  }

  private countToday(s: EventSummary, delta: 1 | -1): void {
    if (!this.today || s.receivedAt < this.today.since || !countsAsTraffic(s)) return;
    this.today.events += delta;
    if (s.status === 'rejected') this.today.rejected += delta;
  }

  /** First position whose id is >= id. */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertOrdered(id: string): void {
    const n = this.order.length;
    if (n === 0 || this.order[n - 1] < id) this.order.push(id);
    else {
      const at = this.lowerBound(id);
      this.search.invalidateFrom(at);
      this.order.splice(at, 0, id);
    }
  }
}

// The store's contract. The receiver, automations, outbox, jobs and dashboard
// depend on this interface only; electron/engine/store/ implements it on an
// append-only journal (group commit, fdatasync) checkpointed into bounded
// lowdb segments. See ../shared/ARCHITECTURE.md "Known traps".
import type { EventStatus, EventSummary, HookEvent, Page, StoreHealth } from '../../../shared/types';

/** An event as stored: everything but runs and deliveries (those are their own records). */
export type StoredEvent = Omit<HookEvent, 'runs' | 'deliveries'>;

export interface EventQuery {
  source?: string;
  type?: string;
  /** `duplicate` lists events delivered more than once (redeliveries > 0): none has that status itself. */
  status?: EventStatus;
  /**
   * Free text: every word must appear (case and accents ignored) in the event's id, source, type,
   * providerEventId, summary or payload values (verified events), or rejection reason (rejected ones).
   */
  q?: string;
  limit: number;
  /** Opaque; from a previous page's nextCursor. */
  cursor?: string;
}

/** Raised when the store cannot make a write durable (disk full, permissions...). The receiver answers 503. */
export class StoreWriteError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreWriteError';
  }
}

/**
 * A durable collection of small mutable records (runs, deliveries, jobs).
 * `put` and `delete` resolve only once the change is fsync'd.
 * All records of a collection are kept in memory (they are small and bounded
 * by retention); events are not (see Store).
 */
export interface Collection<T extends { id: string }> {
  put(record: T): Promise<void>;
  delete(id: string): Promise<void>;
  get(id: string): T | undefined;
  values(): IterableIterator<T>;
  readonly size: number;
}

/**
 * The durable store. ORDERING RULE (crash safety relies on it): every write — appendEvent,
 * setEventStatus, prune, and each collection's put/delete — becomes durable in the order it
 * was issued (called), across all collections and events: one journal, group-committed in
 * call order. So a write issued after another is never on disk without it after a crash, and
 * callers may issue dependent writes together without awaiting each (a run before its job, a
 * run's final record before its job's deletion, a run before its event's new status), paying
 * one fsync for the batch. A change to the store that breaks this order breaks those callers.
 */
export interface Store {
  /** Loads segments, replays the journal (dropping a torn last line), quarantines unreadable files. */
  open(): Promise<void>;
  /** Finishes in-flight writes, checkpoints, closes files. Idempotent. */
  close(): Promise<void>;
  health(): StoreHealth;

  /**
   * Stores a new event durably (fsync'd) before resolving.
   * Deduplicates by (source, dedupeKey ?? providerEventId) for events that are not
   * rejected: a redelivery resolves { id: <first id>, duplicate: true }, stores
   * nothing new but bumps the first event's `redeliveries`. Keys of pruned events
   * still count for 7 days from receipt (dedupe-keys.ts).
   * Throws StoreWriteError when it cannot persist.
   */
  appendEvent(event: StoredEvent): Promise<{ id: string; duplicate: boolean; summary: EventSummary }>;
  /** Durable status change; returns the new summary, or undefined for an unknown id. */
  setEventStatus(id: string, status: EventStatus): Promise<EventSummary | undefined>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  getEventSummary(id: string): EventSummary | undefined;
  /** Newest first. */
  listEvents(query: EventQuery): Page<EventSummary>;
  /** Event types seen, per source, with counts. */
  eventTypes(): { source: string; type: string; lastSeenAt: string; count: number }[];
  eventCounts(now: number): { events: number; eventsToday: number; rejectedToday: number };

  /** Named collections of small records; the same name always gives the same collection. */
  collection<T extends { id: string }>(name: 'runs' | 'deliveries' | 'jobs' | 'meta'): Collection<T>;

  /**
   * Drops events (and their segment files) older than `days`; runs/deliveries of
   * dropped events too. Dedupe keys of dropped events younger than 7 days are kept.
   * `keepAfter` (follow mode's floor): no event with a larger id is dropped, whatever its age;
   * `eventsKept` then counts the old events kept for it (whole segments: see segments.ts).
   */
  prune(
    days: number,
    now: number,
    opts?: { keepAfter?: string },
  ): Promise<{ eventsRemoved: number; eventsKept?: number }>;

  /**
   * Follow mode (engine/follow/server): ids of settled events after `after` (exclusive;
   * null = from the oldest), ascending, which is their commit order (store/settled.ts);
   * at most `limit`, without test events or edited copies. `scanned` is the cursor to
   * continue after; `behind` how many settled events (of those sent) lie past it.
   */
  followIds(after: string | null, limit: number): { ids: string[]; scanned: string | null; behind: number };
  /** fn runs each time an append settles (new settled events may be readable). Returns the unsubscribe. */
  onSettled(fn: () => void): () => void;
}

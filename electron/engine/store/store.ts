// The durable store: journal (group commit) + bounded lowdb segments +
// collection shards, with an in-memory index of every event. See the file
// comments of journal.ts, segments.ts and collections.ts for the on-disk shape.
//
// Crash safety in one paragraph: every change is a journal record holding an
// absolute value (an event, a status, a redelivery count, a whole record), so
// replaying a record over state that already has it changes nothing. A
// checkpoint renames the journal aside, snapshots memory (which then equals the
// renamed journal exactly), writes the files, and only then deletes the renamed
// journal. A crash anywhere in between replays it again at open(): idempotent.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { EventStatus, EventSummary, Page, StoreHealth } from '../../../shared/types';
import { systemClock, type Clock } from '../util/clock';
import { createLogger, type Logger } from '../util/logger';
import { type Collection, type EventQuery, type Store, type StoredEvent } from './types';
import type { Faults } from './durable-file';
import { EventIndex, PENDING, countsAsTraffic, dedupeKey, toSummary } from './event-index';
import { resourceKey } from './resource-keys';
import { searchTextOf } from './search-text';
import { Journal } from './journal';
import { HealthTracker, closedError, keepJournalBytes, normalize } from './store-health';
import { QUARANTINE_DIR } from './quarantine';
import { Segments } from './segments';
import { recordOf } from './event-payload';
import { materialize, type HeldJson } from './segment-files';
import { deleteLinkedRecords, runCheckpoint } from './checkpoint';
import { RetiredKeys } from './dedupe-keys';
import { SettledWatermark, settledIdsAfter } from './settled';
import { InflightKeys, firstCopy } from './duplicates';
import { loadCollections, StoredCollection, type CollectionName } from './collections';
import { replayRecord, type AnyRecord } from './journal-records';

export interface StoreOptions {
  dataDir: string;
  logger?: Logger;
  clock?: Clock;
  /** Test hook: `beforeSync` runs before every fsync; throwing there simulates a failing disk. */
  faults?: Faults;
  /** Sizes, for tests and benchmarks. */
  tuning?: { segmentEvents?: number; checkpointBytes?: number; checkpointEvents?: number };
}

type AnyCollection = StoredCollection<{ id: string }>;

/** What appendEvent answers: the event's id (the first copy's, for a duplicate) and its summary. */
type Appended = { id: string; duplicate: boolean; summary: EventSummary };
type AppendOptions = { countRedelivery?: boolean };

const DAY = 86_400_000;
const CHECKPOINT_RETRY_MS = 10_000;
const EVENT_LINE_HEAD = '{"t":"ev","e":'; // an event's journal line up to its record (ASCII: bytes = characters)

export class DurableStore implements Store {
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly faults: Faults;
  private readonly checkpointBytes: number;
  private readonly segmentEvents: number;
  private readonly checkpointEvents: number;
  private readonly index = new EventIndex();
  private readonly segments: Segments;
  private readonly journal: Journal;
  /** Journalled events not yet in a segment, in journal order. */
  private readonly pending = new Map<string, HeldJson>();
  private readonly collections = new Map<string, AnyCollection>();
  /** Dedupe keys whose first event is being written right now. */
  private readonly inflightKeys = new InflightKeys();
  /** The redelivery count last queued per event, so concurrent bumps each count. */
  private readonly redeliveryTarget = new Map<string, number>();
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private opening: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private checkpointQueued = false;
  private retryCheckpointAt = 0;
  private readonly healthTracker: HealthTracker;
  /** Dedupe keys of pruned events, kept 7 days from receipt (dedupe-keys.ts). */
  private readonly retired: RetiredKeys;
  /** Ids being appended: what follow mode must not page past yet (settled.ts). */
  private readonly settled = new SettledWatermark();

  constructor(opts: StoreOptions) {
    this.dir = path.join(opts.dataDir, 'store');
    this.logger = opts.logger ?? createLogger('store');
    this.clock = opts.clock ?? systemClock;
    this.faults = opts.faults ?? {};
    this.checkpointBytes = opts.tuning?.checkpointBytes ?? 16 * 1024 * 1024;
    this.segmentEvents = opts.tuning?.segmentEvents ?? 2000;
    this.checkpointEvents = opts.tuning?.checkpointEvents ?? this.segmentEvents;
    this.healthTracker = new HealthTracker(path.join(opts.dataDir, QUARANTINE_DIR), this.logger, this.clock);
    const quarantine = this.healthTracker.forSegments();
    this.segments = new Segments(
      path.join(this.dir, 'segments'),
      this.index,
      this.segmentEvents,
      this.faults,
      this.logger,
      quarantine,
    );
    this.journal = new Journal(this.dir, this.faults, this.logger);
    this.journal.onBatch = (err) => this.healthTracker.noteWrite(err);
    this.retired = new RetiredKeys(this.getCollection('dedupe'));
    this.journal.onUnreadable = (u) => keepJournalBytes(this.healthTracker, u);
  }

  open(): Promise<void> {
    this.opening ??= this.load();
    return this.opening;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  health(): StoreHealth {
    return this.healthTracker.snapshot();
  }

  appendEvent(event: StoredEvent, opts: AppendOptions = {}): Promise<Appended> {
    // Registered synchronously, before anything can commit after it (settled.ts).
    this.settled.begin(event.id);
    return this.appendSettling(event, opts);
  }

  /** appendOnce, then the settled watermark moves on (before the caller resumes). */
  private async appendSettling(event: StoredEvent, opts: AppendOptions): Promise<Appended> {
    try {
      return await this.appendOnce(event, opts);
    } finally {
      this.settled.end(event.id);
    }
  }

  followIds(after: string | null, limit: number): { ids: string[]; scanned: string | null; behind: number } {
    return settledIdsAfter(this.index.ids(), after, this.settled.below(), limit, (id) => {
      const s = this.index.get(id)?.s;
      return s !== undefined && countsAsTraffic(s);
    });
  }

  onSettled(fn: () => void): () => void {
    return this.settled.onSettled(fn);
  }

  private async appendOnce(event: StoredEvent, opts: AppendOptions): Promise<Appended> {
    this.assertOpen();
    const key = dedupeKey(event);
    const res = resourceKey(event);
    if (key) {
      // Same provider event (or the same resource change: a webhook and its recovered copy) arriving
      // twice at once: decide after the first is written (or failed).
      const inflight = this.inflightKeys.find(key, res);
      if (inflight) {
        await inflight.catch(() => {});
        return this.appendOnce(event, opts);
      }
      const first = firstCopy(this.index, this.retired, key, res);
      if (first?.pruned)
        return { id: first.id, duplicate: true, summary: { ...toSummary(event), id: first.id, status: 'duplicate' } };
      if (first) {
        const kept = opts.countRedelivery === false ? this.index.get(first.id)?.s : undefined;
        return { id: first.id, duplicate: true, summary: kept ?? (await this.bumpRedelivery(first.id)) };
      }
    }
    const known = this.index.get(event.id);
    if (known) return { id: event.id, duplicate: true, summary: known.s };
    const stored = normalize(event);
    // Serialised and encoded once: the journal line and the segment file use these bytes (HeldJson,
    // segment-files.ts); without the payload when it is the parsed body text (event-payload.ts).
    const line = Buffer.from(`${EVENT_LINE_HEAD}${JSON.stringify(recordOf(stored))}}\n`, 'utf8');
    const json = line.subarray(EVENT_LINE_HEAD.length, line.length - 2);
    const written = this.write(line, () => this.applyEvent(stored, json));
    if (key) this.inflightKeys.hold(key, res, written);
    await written;
    return { id: stored.id, duplicate: false, summary: this.index.get(stored.id)?.s ?? toSummary(stored) };
  }

  async setEventStatus(id: string, status: EventStatus): Promise<EventSummary | undefined> {
    this.assertOpen();
    if (!this.index.has(id)) return undefined;
    await this.write({ t: 'st', id, status }, () => this.applyStatus(id, { status }));
    return this.index.get(id)?.s;
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const entry = this.index.get(id);
    if (!entry) return undefined;
    const held = entry.seg === PENDING ? this.pending.get(id) : undefined;
    const event = held
      ? materialize(held)
      : entry.seg === PENDING
        ? undefined
        : await this.segments.getEvent(entry.seg, id);
    const s = this.index.get(id)?.s;
    if (!event || !s) return undefined;
    return { ...event, status: s.status, redeliveries: s.redeliveries };
  }

  getEventSummary(id: string): EventSummary | undefined {
    return this.index.get(id)?.s;
  }

  listEvents(query: EventQuery): Page<EventSummary> {
    return this.index.list(query);
  }

  eventTypes(): { source: string; type: string; lastSeenAt: string; count: number }[] {
    return this.index.eventTypes();
  }

  eventCounts(now: number): { events: number; eventsToday: number; rejectedToday: number } {
    return this.index.eventCounts(now);
  }

  collection<T extends { id: string }>(name: CollectionName): Collection<T> {
    return this.getCollection(name) as unknown as Collection<T>;
  }

  async prune(
    days: number,
    now: number,
    opts: { keepAfter?: string } = {},
  ): Promise<{ eventsRemoved: number; eventsKept?: number }> {
    this.assertOpen();
    if (!(days > 0)) return { eventsRemoved: 0 };
    const cutoff = now - days * DAY;
    // A checkpoint first: it seals a day-old hot segment and, when it succeeds,
    // leaves no rotated journal whose replay could bring pruned events back.
    try {
      await this.checkpoint(true);
    } catch (err) {
      this.logger.warn('Skipped pruning: the checkpoint before it failed', { err });
      return { eventsRemoved: 0 };
    }
    // Keys first, durably: a crash after the drop must not forget them (dedupe-keys.ts).
    await this.retired.keep(this.index.receivedBefore(new Date(cutoff).toISOString()), now);
    const kept = { events: 0 };
    const dropped = await this.serialized(async () => {
      if (this.journal.rotated.length) return new Set<string>();
      const ids = await this.segments.dropOlderThan(new Date(cutoff).toISOString(), opts.keepAfter, kept);
      this.index.remove(ids);
      return ids;
    });
    const linked = ['runs', 'deliveries'].map((name) => this.getCollection(name));
    const records = (await deleteLinkedRecords(linked, this.index, dropped, cutoff)) + (await this.retired.expire(now));
    if (dropped.size || records) this.logger.info('Pruned old events', { events: dropped.size, records, days });
    return { eventsRemoved: dropped.size, ...(opts.keepAfter !== undefined ? { eventsKept: kept.events } : {}) };
  }

  /** Runs a checkpoint now (tests and benchmarks; normally it runs by itself). */
  checkpoint(force = false): Promise<void> {
    return this.serialized(() =>
      runCheckpoint(
        {
          journal: this.journal,
          segments: this.segments,
          collections: this.collections.values(),
          index: this.index,
          pending: this.pending,
          now: this.clock.now(),
          faults: this.faults,
        },
        force,
      ),
    );
  }

  // ---- internals ----

  private readonly replayTarget = {
    event: (e: StoredEvent, json: Buffer, text: string) => this.applyEvent(e, json, text),
    status: (id: string, patch: { status?: EventStatus; redeliveries?: number }) => this.applyStatus(id, patch),
    put: (c: string, r: { id: string }) => this.getCollection(c).applyPut(r),
    del: (c: string, id: string) => this.getCollection(c).applyDelete(id),
  };

  private async load(): Promise<void> {
    const started = Date.now();
    await fsp.mkdir(this.dir, { recursive: true });
    await this.healthTracker.damage.load();
    await this.segments.load();
    await loadCollections(
      path.join(this.dir, 'collections'),
      (name) => this.getCollection(name),
      (file, reason) =>
        this.healthTracker.quarantine(file, reason, {
          lost: 'The runs, deliveries or scheduled retries it held are not loaded.',
        }),
    );
    let records = 0;
    for (const file of await this.journal.filesToReplay()) {
      records += (await this.journal.replay(file, (rec) => replayRecord(rec, this.replayTarget))).records;
    }
    await this.journal.open();
    this.retired.load();
    this.state = 'open';
    this.logger.info('Store opened', {
      events: this.index.size,
      segments: this.segments.count,
      replayed: records,
      ms: Date.now() - started,
    });
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    await this.opening?.catch(() => {});
    this.state = 'closing';
    await this.journal.whenIdle();
    try {
      await this.checkpoint();
    } catch (err) {
      // Nothing is lost: the journal still holds it and the next open replays it.
      this.logger.warn('Checkpoint at close failed; the journal keeps the data', { err });
    }
    await this.journal.close();
    this.state = 'closed';
  }

  private getCollection(name: string): AnyCollection {
    let coll = this.collections.get(name);
    if (!coll) {
      coll = new StoredCollection(name, path.join(this.dir, 'collections'), (rec, apply) => this.write(rec, apply));
      this.collections.set(name, coll);
    }
    return coll;
  }

  /** `record` may come serialised already (an event's journal line, as bytes). */
  private write(record: AnyRecord | Buffer, apply: () => void): Promise<void> {
    if (this.state !== 'open') return Promise.reject(closedError(this.state));
    return this.journal.append(record, apply).then(() => this.maybeCheckpoint());
  }

  private async bumpRedelivery(id: string): Promise<EventSummary> {
    const before = this.index.get(id)!.s;
    const next = (this.redeliveryTarget.get(id) ?? before.redeliveries) + 1;
    this.redeliveryTarget.set(id, next);
    try {
      await this.write({ t: 'st', id, redeliveries: next }, () => this.applyStatus(id, { redeliveries: next }));
    } finally {
      if (this.redeliveryTarget.get(id) === next) this.redeliveryTarget.delete(id);
    }
    return this.index.get(id)?.s ?? before;
  }

  /**
   * Replay and live writes share these, so a replayed journal rebuilds exactly
   * the acknowledged state. False for a record it does not know (kept in quarantine by the journal).
   */
  /** `text`: the event's search text, when `e` may lack its payload (a replayed journal record). */
  private applyEvent(e: StoredEvent, json: Buffer, text?: string): void {
    if (this.index.has(e.id)) return; // already checkpointed (replay after a crash mid-checkpoint)
    const s = toSummary(e);
    this.pending.set(e.id, { json, status: s.status, redeliveries: s.redeliveries });
    this.index.add(s, PENDING, false, text ?? searchTextOf(e));
  }

  private applyStatus(id: string, patch: { status?: EventStatus; redeliveries?: number }): void {
    const entry = this.index.get(id);
    if (!entry) return;
    this.index.update(id, patch);
    if (entry.seg !== PENDING) this.segments.touched(entry.seg);
  }

  private maybeCheckpoint(): void {
    // A full segment's worth of new events (so checkpoints mostly write whole
    // sealed segments, not a growing hot one again and again), or a journal
    // grown by status and record churn.
    const due = this.pending.size >= this.checkpointEvents || this.journal.bytes >= this.checkpointBytes;
    if (this.checkpointQueued || !due || this.state !== 'open' || this.clock.now() < this.retryCheckpointAt) return;
    this.checkpointQueued = true;
    this.checkpoint()
      .then(
        () => (this.retryCheckpointAt = 0),
        (err) => {
          // Not on every following write: each attempt renames the journal aside once more.
          this.retryCheckpointAt = this.clock.now() + CHECKPOINT_RETRY_MS;
          this.logger.warn('Checkpoint failed; will retry, the journal keeps the data', { err });
        },
      )
      .finally(() => (this.checkpointQueued = false));
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw closedError(this.state);
  }
}

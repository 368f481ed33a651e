// Run records (one automation on one event), kept durably in the store's
// 'runs' collection. Every change is emitted as 'run.updated', and the event's
// status follows its runs (ARCHITECTURE.md "Statuses"): processing while any
// run is queued, running or retrying; failed when any failed for good; done
// when all succeeded. "Test it" runs (reason 'test') are left out of that and of
// the "Failed scripts" count: a test never changes a real event (issue #11).
import { eventStatusFor, isTestRun, NEVER_RUNS } from '../../../shared/statuses';
import type { EventSummary, Run, RunReason, RunStatus } from '../../../shared/types';
import type { Store } from '../store/types';
import type { Bus } from '../util/bus';
import type { Clock } from '../util/clock';
import { newId } from '../util/ids';
import type { Logger } from '../util/logger';

export interface RunBook {
  get(id: string): Run | undefined;
  values(): IterableIterator<Run>;
  /** Oldest first. */
  forEvent(eventId: string): Run[];
  create(eventId: string, automationId: string, why?: RunLabel): Promise<Run>;
  /** A new queued run, not yet saved: its id is known before the write, so writes can be issued together. */
  draft(eventId: string, automationId: string, why?: RunLabel): Run;
  /**
   * Persists (fsync'd) and emits run.updated. When the run's status changes, the event's
   * status follows here (syncEventStatus, issued right after the run's write so the journal
   * never makes it durable first); the returned promise settles once both are written.
   */
  save(run: Run): Promise<Run>;
  /** Runs failed for good, tests left out ("Failed scripts" counts the owner's real work). */
  failedCount(): number;
  /** Recomputes the event's status from its runs; serialized per event so the last word wins. */
  syncEventStatus(eventId: string): Promise<void>;
}

/** Why a run was made and whether it is a test; default `{reason: 'event', test: false}`. */
export interface RunLabel {
  reason: RunReason;
  test: boolean;
}

/** What ran for an event, for the feed: one entry per automation, its latest run (runs oldest first). */
export function ranOf(runs: readonly Run[]): NonNullable<EventSummary['ran']> {
  const latest = new Map<string, RunStatus>();
  for (const r of runs) if (!isTestRun(r)) latest.set(r.automationId, r.status);
  return [...latest].map(([automationId, status]) => ({ automationId, status }));
}

export function createRunBook(opts: { store: Store; bus: Bus; clock: Clock; logger: Logger }): RunBook {
  const col = opts.store.collection<Run>('runs');
  const log = opts.logger.child('runs');
  const byEvent = new Map<string, Set<string>>();
  // Built on first use: the collection is only filled once the store is open.
  let loaded = false;
  const ensureLoaded = () => {
    if (loaded) return;
    loaded = true;
    for (const r of col.values()) index(r);
  };
  const statusChains = new Map<string, Promise<void>>();
  // Saves issued but not yet durable (the store applies a put only once fsync'd):
  // get() answers with the latest issued record, so a reader never builds on a stale one.
  const issued = new Map<string, { run: Run; seq: number }>();
  let seq = 0;
  const get = (id: string) => issued.get(id)?.run ?? col.get(id);

  function index(r: Run): void {
    let set = byEvent.get(r.eventId);
    if (!set) byEvent.set(r.eventId, (set = new Set()));
    set.add(r.id);
  }

  function forEvent(eventId: string): Run[] {
    ensureLoaded();
    const out: Run[] = [];
    const ids = byEvent.get(eventId);
    for (const id of ids ?? []) {
      const r = get(id);
      if (r) out.push(r);
      else ids!.delete(id); // pruned by retention
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async function save(run: Run): Promise<Run> {
    ensureLoaded();
    const before = get(run.id);
    const isNew = before === undefined;
    const mine = ++seq;
    issued.set(run.id, { run, seq: mine });
    const put = col.put(run);
    if (isNew) index(run); // before the status below reads the event's runs (a failed put is unindexed by forEvent)
    // The one place an event's status is kept in step with its runs (shared/statuses.ts).
    const status = before?.status === run.status ? null : syncEventStatus(run.eventId);
    try {
      await put;
    } finally {
      if (issued.get(run.id)?.seq === mine) issued.delete(run.id);
    }
    opts.bus.emit('run.updated', run);
    await status;
    return run;
  }

  async function applyEventStatus(eventId: string): Promise<void> {
    const next = eventStatusFor(forEvent(eventId));
    const current = opts.store.getEventSummary(eventId);
    if (!next || !current || current.status === next || NEVER_RUNS.has(current.status)) return;
    const summary = await opts.store.setEventStatus(eventId, next);
    if (summary) opts.bus.emit('event.updated', { ...summary, ran: ranOf(forEvent(eventId)) });
  }

  return {
    get,
    values: () => col.values(),
    forEvent,
    save,
    // A scan, not a counter: retention deletes runs behind our back. Cheap at the sizes retention allows.
    failedCount: () => {
      let failed = 0;
      for (const r of col.values()) if (r.status === 'failed' && !r.test) failed++;
      return failed;
    },

    draft(eventId, automationId, why = { reason: 'event', test: false }) {
      const now = opts.clock.now();
      return {
        id: newId('run', now),
        eventId,
        automationId,
        status: 'queued',
        attempts: [],
        nextAttemptAt: null,
        createdAt: new Date(now).toISOString(),
        reason: why.reason,
        test: why.test,
      };
    },

    create(eventId, automationId, why) {
      return save(this.draft(eventId, automationId, why));
    },

    syncEventStatus,
  };

  function syncEventStatus(eventId: string): Promise<void> {
    const prev = statusChains.get(eventId) ?? Promise.resolve();
    const next = prev
      .then(() => applyEventStatus(eventId))
      .catch((err) => log.error('Could not update an event status.', { eventId, err }));
    statusChains.set(eventId, next);
    void next.finally(() => {
      if (statusChains.get(eventId) === next) statusChains.delete(eventId);
    });
    return next;
  }
}

// The one durable retry scheduler (ARCHITECTURE.md invariant 4): script runs
// and outbox deliveries are both jobs here. Every job is a small record in the
// store's 'jobs' collection, so a pending job survives a restart.
//
// Shape, for a backlog of 10,000 jobs to stay cheap: the records (book.ts), a
// min-heap of (dueAt, id) (heap.ts) and ONE timer armed for the earliest
// dueAt. Attempts run under one global concurrency limit.
//
// Lifecycle of a record: pending -> active (attemptsMade+1 persisted BEFORE
// the handler runs, so a crash mid-attempt re-runs it: at-least-once) ->
// deleted on success | pending again (dueAt = next retry) | dead (kept, so a
// person can retry it by hand with a fresh attempt budget). A new job that
// would start at once anyway (due now, a slot free, nobody waiting) skips the
// pending record: its first record is the active one, one sync sooner.
import { systemClock } from '../util/clock';
import { newId } from '../util/ids';
import { nextDelayMs } from './backoff';
import { JobBook } from './book';
import { DueQueue } from './heap';
import { WorkSlots, type Ticket } from './slots';
import type { JobHandler, JobOutcome, JobRecord, Scheduler, SchedulerOptions } from './types';

export type { RetryPolicy } from './backoff';
export type { JobHandler, JobOutcome, JobRecord, Scheduler, SchedulerOptions } from './types';

/** Node timers cannot wait longer than ~24.8 days; re-arm instead. */
const MAX_TIMER_MS = 60 * 60 * 1000;

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const clock = opts.clock ?? systemClock;
  const log = opts.logger.child('jobs');
  const col = opts.store.collection<JobRecord>('jobs');
  const stopTimeoutMs = opts.stopTimeoutMs ?? 5000;
  const random = opts.random ?? Math.random;

  const handlers = new Map<string, JobHandler>();
  const jobs = new JobBook(opts.onChange);
  const due = new DueQueue();
  // Jobs that came due while their kind was paused or had no handler.
  const parked = new Map<string, Set<string>>();
  const paused = new Set<string>();
  // Attempts holding a concurrency slot (until the handler returns), and the
  // bookkeeping writes after them (which need no slot, only stop() waits on them).
  const running = new Map<string, Promise<void>>();
  const settling = new Set<Promise<void>>();
  const abort = new AbortController();

  let started = false;
  let stopping = false;
  let abandoned = false;
  let timer: unknown = null;
  let timerAt = Infinity;
  let pumpQueued = false;

  const limit = () => Math.max(1, Math.floor(opts.concurrency() || 1));
  const slots = new WorkSlots(limit);
  // Attempts started at most: as many again as the limit may prepare while the others work.
  const capacity = () => 2 * limit();

  const remember = (job: JobRecord) => jobs.remember(job);

  function forget(job: JobRecord): void {
    jobs.forget(job);
    due.delete(job.id);
  }

  function queue(job: JobRecord): void {
    due.set(job.id, job.dueAt);
    schedulePump();
  }

  function schedulePump(): void {
    if (pumpQueued || !started || stopping) return;
    pumpQueued = true;
    queueMicrotask(() => {
      pumpQueued = false;
      pump();
    });
  }

  function arm(): void {
    if (stopping) return;
    const top = running.size < capacity() ? due.peek() : undefined;
    const at = top ? top.at : Infinity;
    if (at === timerAt) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    timerAt = at;
    if (at === Infinity) return;
    const delay = Math.min(Math.max(0, at - clock.now()), MAX_TIMER_MS);
    const handle = clock.setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      pump();
    }, delay);
    (handle as { unref?: () => void } | undefined)?.unref?.();
    timer = handle;
  }

  function pump(): void {
    if (!started || stopping) return;
    const now = clock.now();
    while (running.size < capacity()) {
      const top = due.peek();
      if (!top || top.at > now) break;
      due.shift();
      const job = jobs.get(top.id);
      if (!job || job.state !== 'pending') continue;
      if (paused.has(job.kind) || !handlers.has(job.kind)) {
        let set = parked.get(job.kind);
        if (!set) parked.set(job.kind, (set = new Set()));
        set.add(job.id);
        continue;
      }
      void launch(job).catch(() => undefined); // attempt() logs and re-queues a job it could not save
    }
    arm();
  }

  /** Starts the job's attempt (it waits for a work slot itself); resolves once its 'active' record is durable. */
  function launch(job: JobRecord): Promise<void> {
    let saved: Promise<void> = Promise.resolve();
    const p = attempt(job, (s) => (saved = s))
      .catch((err) => {
        log.error('A job attempt broke down.', { job: job.id, kind: job.kind, err });
        return undefined;
      })
      .then((after) => {
        running.delete(job.id);
        schedulePump();
        if (!after) return;
        settling.add(after.settled);
        void after.settled.finally(() => settling.delete(after.settled));
      });
    running.set(job.id, p);
    return saved;
  }

  /** A new job can skip its 'pending' record when it would be started at once anyway, ahead of nobody. */
  function startsNow(job: JobRecord): boolean {
    if (!started || stopping || !slots.free() || running.size >= capacity() || job.dueAt > clock.now()) return false;
    if (paused.has(job.kind) || !handlers.has(job.kind)) return false;
    const waiting = due.peek();
    return !waiting || waiting.at > clock.now();
  }

  function unpark(kind: string): void {
    const set = parked.get(kind);
    if (!set) return;
    parked.delete(kind);
    for (const id of set) {
      const job = jobs.get(id);
      if (job?.state === 'pending') queue(job);
    }
  }

  /** Runs one attempt; resolves when the handler is done, with the bookkeeping still to finish. */
  async function attempt(
    job: JobRecord,
    onSave: (saved: Promise<void>) => void,
  ): Promise<{ settled: Promise<void> } | undefined> {
    const handler = handlers.get(job.kind)!;
    const n = job.attemptsMade + 1;
    const active: JobRecord = { ...job, state: 'active', attemptsMade: n };
    const saved = col.put(active);
    onSave(saved);
    // Durable, then a work slot (waited for while others work; called off by a pause or stop).
    let ticket: Ticket | null = null;
    let slot: boolean | null = null; // null: the handler finished without waiting for one
    let over = false;
    const go = saved.then(() => {
      if (over || stopping || paused.has(job.kind)) return (slot = false);
      ticket = slots.request(job.kind);
      return ticket.granted.then((ok) => (slot = ok));
    });
    const ready = go.then((ok) => {
      if (!ok) throw new Error('Not run: automations were paused or Hookdock is stopping.');
    });
    // Handled here too: a handler that stops at the first rejection never awaits the others.
    go.catch(() => undefined);
    ready.catch(() => undefined);
    const runIt = async (): Promise<JobOutcome> => {
      try {
        return await handler.run(active, n, abort.signal, ready);
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    };
    // An overlapping handler prepares while the record syncs (it waits on `ready` itself).
    const early = handler.overlapsSave ? runIt() : null;
    try {
      await saved;
    } catch (err) {
      // Not durable: do not run it (an overlapping handler saw the rejection and did nothing). Try again later.
      if (early) await early;
      log.error('Could not save a job before running it; will try again in 5 s.', { job: job.id, err });
      const retry = { ...job, dueAt: clock.now() + 5000 };
      remember(retry);
      queue(retry);
      return undefined;
    }
    remember(active);

    let outcome: JobOutcome;
    if (early) outcome = await early;
    else outcome = (await go) ? await runIt() : { ok: false, error: 'Not run.' };
    over = true;
    (ticket as Ticket | null)?.done();
    if (abandoned) return undefined; // stop() gave up on us: the record stays 'active' and re-runs after restart.
    // Never got to work: back to pending as it was (a paused kind parks it; a stop leaves it for the restart).
    if (slot === false) return { settled: putBack(active) };
    // Wrapped: an async function returning a bare promise would wait for it.
    return { settled: settle(handler, active, n, outcome) };
  }

  async function putBack(active: JobRecord): Promise<void> {
    const back: JobRecord = { ...active, state: 'pending', attemptsMade: active.attemptsMade - 1, dueAt: clock.now() };
    try {
      await col.put(back);
      remember(back);
      queue(back);
    } catch (err) {
      // Left 'active' on disk: it runs after the restart (one attempt number skipped).
      log.warn('Could not put a job back to pending.', { job: active.id, err });
    }
  }

  async function settle(handler: JobHandler, active: JobRecord, n: number, outcome: JobOutcome): Promise<void> {
    try {
      if (outcome.ok) {
        await col.delete(active.id);
        forget(active);
        await handler.onSucceeded?.(active);
        return;
      }
      let delay = outcome.stop ? null : nextDelayMs(active.policy, n, random);
      // A Retry-After only ever lengthens the wait: `0`, or a date already past, never shortens the policy's.
      if (delay !== null && outcome.retryAfterMs !== undefined) delay = Math.max(delay, outcome.retryAfterMs);
      if (delay === null) {
        const dead: JobRecord = { ...active, state: 'dead', lastError: outcome.error };
        await col.put(dead);
        remember(dead);
        log.warn('A job failed for the last time and was dead-lettered.', {
          job: dead.id,
          kind: dead.kind,
          ref: dead.refId,
          attempts: n,
        });
        await handler.onDead?.(dead, outcome.error);
        return;
      }
      const next: JobRecord = { ...active, state: 'pending', dueAt: clock.now() + delay, lastError: outcome.error };
      await col.put(next);
      remember(next);
      queue(next);
      await handler.onRetryScheduled?.(next, next.dueAt);
    } catch (err) {
      log.error('Could not record the end of a job attempt.', { job: active.id, kind: active.kind, err });
    }
  }

  /** Dead jobs whose owner record is gone (retention) are of no use to anyone. */
  async function dropOrphans(): Promise<void> {
    for (const job of jobs.all()) {
      const exists = handlers.get(job.kind)?.exists;
      if (job.state !== 'dead' || !exists || exists(job.refId)) continue;
      try {
        await col.delete(job.id);
        forget(job);
      } catch (err) {
        log.warn('Could not drop a dead job whose record is gone.', { job: job.id, err });
      }
    }
  }

  return {
    register(kind, handler) {
      handlers.set(kind, handler);
      if (!paused.has(kind)) unpark(kind);
    },

    async enqueue(input) {
      const existing = jobs.forRef(input.refId);
      if (existing && existing.state !== 'dead') return existing;
      const now = clock.now();
      const job: JobRecord = {
        id: newId('job', now),
        kind: input.kind,
        refId: input.refId,
        attemptsMade: 0,
        dueAt: input.dueAt ?? now,
        state: 'pending',
        policy: input.policy,
        createdAt: now,
        lastError: null,
      };
      if (startsNow(job)) {
        // One record instead of two (pending, then active): the job is durable once its attempt's is.
        remember(job);
        await launch(job);
      } else {
        await col.put(job);
        remember(job);
        queue(job);
      }
      if (existing) {
        await col.delete(existing.id).catch((err) => log.warn('Could not drop a dead job.', { job: existing.id, err }));
        forget(existing);
      }
      return job;
    },

    async retryNow(refId) {
      const job = jobs.forRef(refId);
      if (!job || job.state === 'active') return job;
      const now = clock.now();
      const next: JobRecord =
        job.state === 'dead'
          ? { ...job, state: 'pending', attemptsMade: 0, dueAt: now }
          : { ...job, dueAt: Math.min(job.dueAt, now) };
      await col.put(next);
      remember(next);
      for (const set of parked.values()) set.delete(next.id);
      queue(next);
      return next;
    },

    async start() {
      if (started) return;
      const now = clock.now();
      for (const stored of col.values()) {
        // An 'active' record means the process died mid-attempt: run it again now.
        const job: JobRecord = stored.state === 'active' ? { ...stored, state: 'pending', dueAt: now } : stored;
        remember(job);
        if (job.state === 'pending') {
          due.set(job.id, job.dueAt);
        }
      }
      await dropOrphans();
      started = true;
      log.info('Job scheduler started.', { pending: jobs.pendingCount(), dead: jobs.deadCount() });
      schedulePump();
    },

    async stop() {
      if (stopping) return;
      stopping = true;
      slots.cancel(() => true);
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      if (running.size === 0 && settling.size === 0) return;
      let bound: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...running.values()])
          .then(() => Promise.allSettled([...settling]))
          .then(() => false),
        new Promise<boolean>((resolve) => (bound = setTimeout(() => resolve(true), stopTimeoutMs))),
      ]);
      clearTimeout(bound);
      if (timedOut) {
        abandoned = true;
        abort.abort();
        log.warn('Stopped while job attempts were still running; they will run again after the restart.', {
          running: running.size,
        });
      }
    },

    setPaused(kind, isPaused) {
      if (isPaused) {
        paused.add(kind);
        slots.cancel((k) => k === kind);
      } else if (paused.delete(kind) && handlers.has(kind)) unpark(kind);
    },

    pendingCount() {
      return jobs.pendingCount();
    },

    jobFor(refId) {
      return jobs.forRef(refId);
    },
  };
}

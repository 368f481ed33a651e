// The scheduler against a small in-memory store (the engine tier runs it on the real one).
import { afterEach, describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../electron/engine/jobs/backoff';
import { createScheduler, type JobHandler, type JobRecord, type Scheduler } from '../../electron/engine/jobs/scheduler';
import type { Collection, Store } from '../../electron/engine/store/types';
import { systemClock, type Clock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';

/** Records are cloned on put, as a real store serializes them. */
function memoryStore(): Store & { jobs: Map<string, JobRecord> } {
  const jobs = new Map<string, JobRecord>();
  const col: Collection<JobRecord> = {
    async put(r) {
      await Promise.resolve();
      jobs.set(r.id, structuredClone(r));
    },
    async delete(id) {
      await Promise.resolve();
      jobs.delete(id);
    },
    get: (id) => jobs.get(id),
    values: () => jobs.values(),
    get size() {
      return jobs.size;
    },
  };
  return { jobs, collection: () => col } as unknown as Store & { jobs: Map<string, JobRecord> };
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const fast: RetryPolicy = { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 50 };
const started: Scheduler[] = [];
function scheduler(store: Store, extra: { concurrency?: number; clock?: Clock; stopTimeoutMs?: number } = {}) {
  const s = createScheduler({
    store,
    logger: memoryLogger(),
    concurrency: () => extra.concurrency ?? 4,
    clock: extra.clock,
    stopTimeoutMs: extra.stopTimeoutMs,
  });
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

/** The next job record put that `match`es fails with "disk full" (once). */
function failOnce(store: Store, match: (r: JobRecord) => boolean): void {
  const col = store.collection<JobRecord>('jobs');
  const put = col.put.bind(col);
  let armed = true;
  col.put = async (r) => {
    if (armed && match(r)) {
      armed = false;
      await Promise.resolve();
      throw new Error('disk full');
    }
    return put(r);
  };
}

/** A started scheduler with one slot whose handler holds the job for `heldRef` until release(). */
async function holding(heldRef: string, extra: { stopTimeoutMs?: number } = {}) {
  const store = memoryStore();
  const s = scheduler(store, { concurrency: 1, ...extra });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  s.register('k', {
    async run(job) {
      if (job.refId === heldRef) await held;
      return { ok: true };
    },
  });
  await s.start();
  return { store, s, release };
}

describe('scheduler', () => {
  it('retries with backoff until an attempt succeeds, then deletes the job', async () => {
    const store = memoryStore();
    const s = scheduler(store);
    const at: number[] = [];
    const events: string[] = [];
    s.register('k', {
      async run(job, attempt) {
        at.push(Date.now());
        // Persisted as active with this attempt counted BEFORE run: a crash re-runs it.
        expect(store.jobs.get(job.id)).toMatchObject({ state: 'active', attemptsMade: attempt });
        return attempt < 3 ? { ok: false, error: `boom ${attempt}` } : { ok: true };
      },
      async onRetryScheduled(job, nextAt) {
        events.push(`retry ${job.attemptsMade} ${job.lastError} ${nextAt >= Date.now() + 5}`);
      },
      async onSucceeded(job) {
        events.push(`ok ${job.attemptsMade}`);
      },
    });
    await s.start();
    const job = await s.enqueue({ kind: 'k', refId: 'r1', policy: fast });
    // A free slot and nobody waiting: it started at once, durable as active (no separate pending record).
    expect(store.jobs.get(job.id)).toMatchObject({ state: 'active', attemptsMade: 1 });
    await waitFor(() => events.includes('ok 3'));
    expect(events).toEqual(['retry 1 boom 1 true', 'retry 2 boom 2 true', 'ok 3']);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(19);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(19);
    await waitFor(() => store.jobs.size === 0);
    expect(s.jobFor('r1')).toBeUndefined();
    expect(s.pendingCount()).toBe(0);
  });

  it('dead-letters after maxAttempts (a throw counts as a failure), and retryNow restarts it with a fresh budget', async () => {
    const store = memoryStore();
    const s = scheduler(store);
    const attempts: number[] = [];
    let dead: string | null = null;
    let succeed = false;
    s.register('k', {
      async run(_job, attempt) {
        attempts.push(attempt);
        if (succeed) return { ok: true };
        throw new Error(`thrown ${attempt}`);
      },
      async onDead(_job, error) {
        dead = error;
      },
    });
    await s.start();
    await s.enqueue({ kind: 'k', refId: 'r1', policy: { schedule: [10] } });
    await waitFor(() => dead !== null);
    expect(dead).toBe('thrown 2');
    expect(attempts).toEqual([1, 2]);
    expect(s.jobFor('r1')).toMatchObject({ state: 'dead', attemptsMade: 2, lastError: 'thrown 2' });
    expect([...store.jobs.values()][0].state).toBe('dead');
    expect(s.pendingCount()).toBe(0);

    succeed = true;
    const again = await s.retryNow('r1');
    expect(again).toMatchObject({ state: 'pending', attemptsMade: 0 });
    await waitFor(() => store.jobs.size === 0);
    expect(attempts).toEqual([1, 2, 1]);
    expect(await s.retryNow('nope')).toBeUndefined();
  });

  it('stop: true dead-letters at once; a longer retryAfterMs lengthens the backoff delay', async () => {
    const s = scheduler(memoryStore());
    const runs: number[] = [];
    let dead = false;
    s.register('k', {
      async run(_job, attempt) {
        runs.push(Date.now());
        return attempt === 1
          ? { ok: false, error: 'later', retryAfterMs: 120 }
          : { ok: false, error: 'gone', stop: true };
      },
      async onDead() {
        dead = true;
      },
    });
    await s.start();
    await s.enqueue({ kind: 'k', refId: 'r', policy: { maxAttempts: 10, initialDelayMs: 1, maxDelayMs: 1 } });
    await waitFor(() => dead);
    expect(runs).toHaveLength(2);
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(115);
  });

  it('never runs more attempts at once than the concurrency limit', async () => {
    const s = scheduler(memoryStore(), { concurrency: 3 });
    let now = 0;
    let peak = 0;
    let done = 0;
    s.register('k', {
      async run() {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 15));
        now--;
        done++;
        return { ok: true };
      },
    });
    await s.start();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.enqueue({ kind: 'k', refId: `r${i}`, policy: fast })));
    await waitFor(() => done === 20);
    expect(peak).toBe(3);
  });

  it('enqueue is idempotent per live refId', async () => {
    const s = scheduler(memoryStore());
    const a = await s.enqueue({ kind: 'k', refId: 'same', policy: fast, dueAt: Date.now() + 60_000 });
    const b = await s.enqueue({ kind: 'k', refId: 'same', policy: fast });
    expect(b.id).toBe(a.id);
    expect(s.pendingCount()).toBe(1);
  });

  it('a pending job survives a restart and runs on the new scheduler', async () => {
    const store = memoryStore();
    const first = scheduler(store);
    first.register('k', { run: async () => ({ ok: true }) });
    await first.start();
    await first.enqueue({ kind: 'k', refId: 'later', policy: fast, dueAt: Date.now() + 80 });
    await first.stop();

    const second = scheduler(store);
    const ran: string[] = [];
    second.register('k', {
      async run(job) {
        ran.push(job.refId);
        return { ok: true };
      },
    });
    await second.start();
    expect(second.pendingCount()).toBe(1);
    await waitFor(() => ran.length === 1);
    expect(ran).toEqual(['later']);
    await waitFor(() => store.jobs.size === 0);
  });

  it('re-runs a job left active by a crash, and runs overdue jobs at once on start', async () => {
    const store = memoryStore();
    const now = Date.now();
    const base = { kind: 'k', policy: fast, createdAt: now - 7_200_000, lastError: null };
    store.jobs.set('job_a', {
      ...base,
      id: 'job_a',
      refId: 'crashed',
      attemptsMade: 2,
      dueAt: now - 1000,
      state: 'active',
    });
    store.jobs.set('job_b', {
      ...base,
      id: 'job_b',
      refId: 'overdue',
      attemptsMade: 1,
      dueAt: now - 3_600_000,
      state: 'pending',
    });
    store.jobs.set('job_c', {
      ...base,
      id: 'job_c',
      refId: 'future',
      attemptsMade: 0,
      dueAt: now + 3_600_000,
      state: 'pending',
    });
    const s = scheduler(store);
    const ran: string[] = [];
    s.register('k', {
      async run(job, attempt) {
        ran.push(`${job.refId}#${attempt}`);
        return { ok: true };
      },
    });
    const t0 = Date.now();
    await s.start();
    await waitFor(() => ran.length === 2);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(ran.sort()).toEqual(['crashed#3', 'overdue#2']);
    expect(s.jobFor('future')?.state).toBe('pending');
    expect(s.pendingCount()).toBe(1);
  });

  it('drops dead jobs whose owner record is gone, keeps the others', async () => {
    const store = memoryStore();
    const now = Date.now();
    const base = {
      kind: 'k',
      policy: fast,
      createdAt: now,
      lastError: 'x',
      attemptsMade: 4,
      dueAt: now,
      state: 'dead' as const,
    };
    store.jobs.set('job_gone', { ...base, id: 'job_gone', refId: 'pruned' });
    store.jobs.set('job_kept', { ...base, id: 'job_kept', refId: 'still-here' });
    const s = scheduler(store);
    s.register('k', { run: async () => ({ ok: true }), exists: (ref) => ref !== 'pruned' });
    await s.start();
    expect([...store.jobs.keys()]).toEqual(['job_kept']);
    expect(s.jobFor('pruned')).toBeUndefined();
    expect(s.jobFor('still-here')?.state).toBe('dead');
  });

  it('does not start jobs of a paused kind until resumed; other kinds go on', async () => {
    const s = scheduler(memoryStore());
    const ran: string[] = [];
    const h: JobHandler = {
      async run(job) {
        ran.push(job.kind);
        return { ok: true };
      },
    };
    s.register('script', h);
    s.register('outbox', h);
    s.setPaused('script', true);
    await s.start();
    await s.enqueue({ kind: 'script', refId: 's1', policy: fast });
    await s.enqueue({ kind: 'outbox', refId: 'o1', policy: fast });
    await waitFor(() => ran.includes('outbox'));
    await new Promise((r) => setTimeout(r, 60));
    expect(ran).toEqual(['outbox']);
    expect(s.jobFor('s1')?.state).toBe('pending');
    s.setPaused('script', false);
    await waitFor(() => ran.length === 2);
    expect(ran).toEqual(['outbox', 'script']);
  });

  it('jobs wait for a handler registered after start', async () => {
    const s = scheduler(memoryStore());
    await s.start();
    await s.enqueue({ kind: 'late', refId: 'x', policy: fast });
    await new Promise((r) => setTimeout(r, 30));
    let ran = false;
    s.register('late', {
      async run() {
        ran = true;
        return { ok: true };
      },
    });
    await waitFor(() => ran);
  });

  it('stop waits a bounded time, aborts the attempt and leaves it active on disk', async () => {
    const store = memoryStore();
    const s = scheduler(store, { stopTimeoutMs: 100 });
    let aborted = false;
    let begun = false;
    s.register('k', {
      run: (_job, _attempt, signal) =>
        new Promise((resolve) => {
          begun = true;
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ok: false, error: 'stopped' });
          });
        }),
    });
    await s.start();
    const job = await s.enqueue({ kind: 'k', refId: 'slow', policy: fast });
    await waitFor(() => begun);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(store.jobs.get(job.id)).toMatchObject({ state: 'active', attemptsMade: 1 });
  });

  it('10,000 pending jobs share one timer', async () => {
    let live = 0;
    let peak = 0;
    let calls = 0;
    const counting: Clock = {
      now: () => Date.now(),
      setTimeout(fn, ms) {
        calls++;
        peak = Math.max(peak, ++live);
        return systemClock.setTimeout(() => {
          live--;
          fn();
        }, ms);
      },
      clearTimeout(h) {
        live--;
        systemClock.clearTimeout(h);
      },
    };
    const store = memoryStore();
    const s = scheduler(store, { clock: counting });
    let ran = 0;
    s.register('k', {
      async run() {
        ran++;
        return { ok: true };
      },
    });
    await s.start();
    const now = Date.now();
    // Later ones first: the earliest due time keeps changing, the worst case for re-arming.
    for (let i = 10_000; i > 0; i--)
      await s.enqueue({ kind: 'k', refId: `r${i}`, policy: fast, dueAt: now + 60_000 + i });
    expect(s.pendingCount()).toBe(10_000);
    expect(peak).toBe(1);
    expect(live).toBe(1);
    expect(ran).toBe(0);
    expect(calls).toBeGreaterThan(0);
    // The nearest one is moved to now: it runs, the rest keep waiting.
    await s.retryNow('r1');
    await waitFor(() => ran === 1);
    expect(s.pendingCount()).toBe(9_999);
    expect(peak).toBe(1);
  });

  it('a new job waits as pending while every slot is busy, and starts at once when one is free', async () => {
    const { store, s, release } = await holding('first');
    const first = await s.enqueue({ kind: 'k', refId: 'first', policy: fast });
    expect(store.jobs.get(first.id)?.state).toBe('active');
    const second = await s.enqueue({ kind: 'k', refId: 'second', policy: fast });
    expect(store.jobs.get(second.id)).toMatchObject({ state: 'pending', attemptsMade: 0 });
    release();
    await waitFor(() => store.jobs.size === 0);
  });

  it('a job started at once whose active record cannot be saved: enqueue says so, nothing runs, it is tried again', async () => {
    const store = memoryStore();
    failOnce(store, () => true);
    const s = scheduler(store);
    const seen: string[] = [];
    s.register('k', {
      async run(job, attempt) {
        seen.push(`${store.jobs.get(job.id)?.state} ${attempt}`);
        return { ok: true };
      },
    });
    await s.start();
    await expect(s.enqueue({ kind: 'k', refId: 'r1', policy: fast })).rejects.toThrow('disk full');
    expect(store.jobs.size).toBe(0);
    expect(seen).toEqual([]);
    expect(s.jobFor('r1')?.state).toBe('pending'); // kept, and tried again (in 5 s; now, by hand)
    await s.retryNow('r1');
    await waitFor(() => store.jobs.size === 0 && seen.length === 1);
    expect(seen).toEqual(['active 1']);
  });

  it('prepares the next attempt while every slot works: durable first, and it starts the moment a slot frees', async () => {
    const store = memoryStore();
    const s = scheduler(store, { concurrency: 1 });
    const log: string[] = [];
    let releaseFirst!: () => void;
    const first = new Promise<void>((r) => (releaseFirst = r));
    s.register('k', {
      overlapsSave: true,
      async run(job, _attempt, _signal, saved) {
        log.push(`prepare ${job.refId}`);
        await saved;
        log.push(`work ${job.refId} (${store.jobs.get(job.id)?.state})`);
        if (job.refId === 'a') await first;
        log.push(`done ${job.refId}`);
        return { ok: true };
      },
    });
    await s.start();
    await s.enqueue({ kind: 'k', refId: 'a', policy: fast });
    const b = await s.enqueue({ kind: 'k', refId: 'b', policy: fast });
    // b is active on disk and prepared, but waits: the one slot is a's.
    await waitFor(() => log.includes('prepare b') && store.jobs.get(b.id)?.state === 'active');
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['prepare a', 'work a (active)', 'prepare b']);
    releaseFirst();
    await waitFor(() => log.includes('done b'));
    expect(log).toEqual(['prepare a', 'work a (active)', 'prepare b', 'done a', 'work b (active)', 'done b']);
    await waitFor(() => store.jobs.size === 0);
  });

  it('a prepared attempt still waiting for a slot when its kind is paused goes back to pending, as it was', async () => {
    const store = memoryStore();
    const s = scheduler(store, { concurrency: 1 });
    const worked: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    s.register('k', {
      overlapsSave: true,
      async run(job, attempt, _signal, saved) {
        try {
          await saved;
        } catch {
          return { ok: true }; // ignored: it never got to work
        }
        worked.push(`${job.refId} ${attempt}`);
        if (job.refId === 'a') await held;
        return { ok: true };
      },
    });
    await s.start();
    await s.enqueue({ kind: 'k', refId: 'a', policy: fast });
    const b = await s.enqueue({ kind: 'k', refId: 'b', policy: fast });
    await waitFor(() => store.jobs.get(b.id)?.state === 'active');
    s.setPaused('k', true);
    await waitFor(() => store.jobs.get(b.id)?.state === 'pending');
    expect(store.jobs.get(b.id)?.attemptsMade).toBe(0);
    release();
    await new Promise((r) => setTimeout(r, 30));
    expect(worked).toEqual(['a 1']);
    s.setPaused('k', false);
    await waitFor(() => worked.length === 2);
    expect(worked).toEqual(['a 1', 'b 1']);
  });

  it('stop() calls off a wait for a slot: that job is pending on disk for the restart', async () => {
    const { store, s, release } = await holding('a', { stopTimeoutMs: 2000 });
    await s.enqueue({ kind: 'k', refId: 'a', policy: fast });
    const b = await s.enqueue({ kind: 'k', refId: 'b', policy: fast });
    await waitFor(() => store.jobs.get(b.id)?.state === 'active');
    const stopped = s.stop();
    await waitFor(() => store.jobs.get(b.id)?.state === 'pending');
    release();
    await stopped;
    expect(store.jobs.get(b.id)).toMatchObject({ state: 'pending', attemptsMade: 0 });
  });

  it('an overlapping handler starts before the active record is durable, and is ignored when it cannot be saved', async () => {
    const store = memoryStore();
    failOnce(store, (r) => r.state === 'active');
    const s = scheduler(store);
    const seen: string[] = [];
    s.register('k', {
      overlapsSave: true,
      async run(job, attempt, _signal, saved) {
        // Called as soon as the record is issued, before it is stored.
        seen.push(`called ${store.jobs.get(job.id)?.state}`);
        try {
          await saved;
        } catch {
          seen.push('not saved');
          return { ok: true }; // must be ignored: the job was never made active
        }
        seen.push(`saved ${store.jobs.get(job.id)?.state} ${attempt}`);
        return { ok: true };
      },
    });
    await s.start();
    // Due a moment later, so it goes through the pending record and the pump.
    const job = await s.enqueue({ kind: 'k', refId: 'r1', policy: fast, dueAt: Date.now() + 5 });
    await waitFor(() => seen.includes('not saved'));
    // Still there and pending (retried 5 s later), not deleted as a success.
    await new Promise((r) => setTimeout(r, 20));
    expect(store.jobs.get(job.id)?.state).toBe('pending');
    expect(s.jobFor('r1')?.state).toBe('pending');
    expect(s.pendingCount()).toBe(1);
    await s.retryNow('r1');
    await waitFor(() => store.jobs.size === 0);
    expect(seen).toEqual(['called pending', 'not saved', 'called pending', 'saved active 1']);
  });
});

// The job scheduler's contract (implemented in scheduler.ts, which re-exports
// all of this): what script runs and outbox deliveries build on.
import type { Store } from '../store/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { RetryPolicy } from './backoff';

export type { RetryPolicy } from './backoff';

export interface JobRecord {
  id: string;
  kind: string;
  /** The owner record (a run id, a delivery id): one live job per refId. */
  refId: string;
  attemptsMade: number;
  dueAt: number;
  state: 'pending' | 'active' | 'dead';
  policy: RetryPolicy;
  createdAt: number;
  lastError: string | null;
}

export type JobOutcome = { ok: true } | { ok: false; error: string; retryAfterMs?: number; stop?: boolean };

export interface JobHandler {
  /**
   * One attempt. attempt is 1-based. Must not throw (a throw counts as a failed attempt with its message).
   * `signal` aborts when the scheduler stops and gives up waiting on the attempt: its outcome is then
   * ignored, the job stays 'active' on disk and re-runs after the restart.
   */
  run(job: JobRecord, attempt: number, signal: AbortSignal, saved?: Promise<void>): Promise<JobOutcome>;
  /**
   * Opt-in overlap: run() is called as soon as the 'active' record is issued, with `saved`
   * settling once it is durable AND the attempt holds a work slot (slots.ts). The handler
   * may prepare meanwhile but MUST await `saved` before any side effect and do nothing at
   * all if it rejects (the scheduler then ignores the outcome: it tries the job again
   * later, or puts it back to pending when the wait was called off by a pause or a stop).
   * Without it, run() starts once both are true.
   */
  overlapsSave?: boolean;
  /** After a failed attempt that will be retried at nextAt (ms epoch). */
  onRetryScheduled?(job: JobRecord, nextAt: number): Promise<void>;
  /** After the last attempt failed (or stop): dead letter. */
  onDead?(job: JobRecord, error: string): Promise<void>;
  onSucceeded?(job: JobRecord): Promise<void>;
  /**
   * Whether the owner record (run, delivery) still exists. When given, start()
   * drops dead jobs whose owner was pruned by retention, so they do not pile up.
   */
  exists?(refId: string): boolean;
}

export interface Scheduler {
  /** Register handlers before start(); jobs of a kind without a handler wait. */
  register(kind: string, handler: JobHandler): void;
  /**
   * Persisted before it resolves. dueAt defaults to now.
   * If a live (pending or active) job for refId exists it is returned unchanged; a dead one is replaced.
   */
  enqueue(input: { kind: string; refId: string; policy: RetryPolicy; dueAt?: number }): Promise<JobRecord>;
  /** Dead or pending job for refId -> attempt now (a dead one restarts with a fresh attempt budget). An active one is returned as is. */
  retryNow(refId: string): Promise<JobRecord | undefined>;
  /** Picks up all persisted jobs: overdue ones run at once, 'active' ones (process died mid-attempt) are re-run (at-least-once). */
  start(): Promise<void>;
  /** Stops taking new work; waits for running attempts up to a bound (5 s). Running ones stay 'active' on disk and re-run after restart. */
  stop(): Promise<void>;
  /** Paused kinds are not started (they stay pending). */
  setPaused(kind: string, paused: boolean): void;
  /** Jobs not dead: pending or running. */
  pendingCount(): number;
  jobFor(refId: string): JobRecord | undefined;
}

export interface SchedulerOptions {
  store: Store;
  clock?: Clock;
  logger: Logger;
  /** Attempts running at once, across all kinds (config.limits.concurrency). Read before each dispatch. */
  concurrency: () => number;
  /** How long stop() waits for running attempts. Default 5 s. */
  stopTimeoutMs?: number;
  /** For backoff jitter; injected by tests. */
  random?: () => number;
  /**
   * Called (synchronously, keep it cheap) whenever a job comes, changes state or goes:
   * pendingCount() may have moved. Job changes have no bus event of their own.
   */
  onChange?: () => void;
}

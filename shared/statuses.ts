// The one definition of every status word (ARCHITECTURE.md "Statuses") and of
// what each means: which are live (work still to come), which are final, which
// events never run anything, and how an event's status follows from its runs.
// Types (shared/types.ts), API schemas (shared/api.ts) and the engine derive from here.
import type { EventStatus, Run, RunStatus, DeliveryStatus } from './types';

export const EVENT_STATUSES = ['received', 'processing', 'done', 'failed', 'duplicate', 'rejected'] as const;
export const RUN_STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivering', 'retrying', 'delivered', 'failed'] as const;

/** A run in these states still has an attempt to come. */
export const LIVE_RUN: ReadonlySet<RunStatus> = new Set<RunStatus>(['queued', 'running', 'retrying']);
/** A delivery in these states still has an attempt to come. */
export const LIVE_DELIVERY: ReadonlySet<DeliveryStatus> = new Set<DeliveryStatus>([
  'pending',
  'delivering',
  'retrying',
]);
/**
 * Events the receiver settled for good (unverified, or a redelivery of one already kept):
 * they never run an automation, are never replayed, and their runs never change their status.
 */
export const NEVER_RUNS: ReadonlySet<EventStatus> = new Set<EventStatus>(['rejected', 'duplicate']);

/** True when an event in this status may run automations (fire, replay, test run). */
export const mayRun = (status: EventStatus): boolean => !NEVER_RUNS.has(status);

/** A "Test it" run: it never speaks for its event's status, its feed line or the counters (issue #11). */
export const isTestRun = (r: Pick<Run, 'reason'>): boolean => r.reason === 'test';

/**
 * An event's status as its runs make it, "Test it" runs left out: null with no other runs
 * (it stays as received); 'processing' while any run is live; 'failed' when any failed for
 * good; else 'done'. The one place this rule lives (ARCHITECTURE.md "Statuses").
 */
export function eventStatusFor(all: readonly Pick<Run, 'status' | 'reason'>[]): EventStatus | null {
  const runs = all.filter((r) => !isTestRun(r));
  if (runs.length === 0) return null;
  if (runs.some((r) => LIVE_RUN.has(r.status))) return 'processing';
  if (runs.some((r) => r.status === 'failed')) return 'failed';
  return 'done';
}

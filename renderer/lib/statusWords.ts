// Status words that say what is really happening: an event whose run waits for a
// retry is "Retrying at 14:02", not "Running"; while automations are paused it is
// "Paused". Pure (the clock and the pause state are arguments), so unit-tested.
import type { DeliveryStatus, EventStatus, Run, RunStatus } from '../../shared/types';
import { DELIVERY_STATUS, EVENT_STATUS, RUN_STATUS, type Tone } from './format';

export interface Word {
  label: string;
  tone: Tone;
  hint: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:02" today, "Tue 14:02" within a week, else "3 Mar 14:02": when a retry is due. */
export function clockTime(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return hm;
  if (Math.abs(d.getTime() - now) < 6 * 86_400_000) return `${d.toLocaleDateString('en', { weekday: 'short' })} ${hm}`;
  return `${d.getDate()} ${d.toLocaleDateString('en', { month: 'short' })} ${hm}`;
}

/** The soonest retry among runs waiting for one, or null. */
export function nextRetryAt(runs: readonly Pick<Run, 'status' | 'nextAttemptAt'>[]): string | null {
  const due = runs
    .filter((r) => r.status === 'retrying' && r.nextAttemptAt)
    .map((r) => r.nextAttemptAt!)
    .sort();
  return due[0] ?? null;
}

/**
 * An event's status word. `runs` may be the full runs (event page) or the feed's
 * `ran` list (no retry times: then "Retrying" without a clock).
 */
export function eventWord(
  status: EventStatus,
  runs: readonly { status: RunStatus; nextAttemptAt?: string | null }[],
  paused: boolean,
  now = Date.now(),
): Word {
  const base = EVENT_STATUS[status] ?? { label: status, tone: 'neutral' as const, hint: '' };
  if (status !== 'processing') return base;
  const running = runs.some((r) => r.status === 'running');
  if (paused && !running) {
    return { label: 'Paused', tone: 'warning', hint: 'Automations are paused: its scripts run when you resume them.' };
  }
  if (!running && runs.some((r) => r.status === 'retrying')) {
    const at = nextRetryAt(runs.map((r) => ({ status: r.status, nextAttemptAt: r.nextAttemptAt ?? null })));
    return {
      label: at ? `Retrying at ${clockTime(at, now)}` : 'Retrying',
      tone: 'warning',
      hint: 'A script failed and will be tried again.',
    };
  }
  if (!running && runs.length && runs.every((r) => r.status === 'queued')) {
    return { label: 'Waiting', tone: 'neutral', hint: 'Its scripts wait for a free slot.' };
  }
  return base;
}

/** A run's status word: "Retrying at 14:02", "Paused" for a queued run while paused. */
export function runWord(
  run: Pick<Run, 'status' | 'nextAttemptAt'>,
  paused: boolean,
  now = Date.now(),
): Omit<Word, 'hint'> {
  if (run.status === 'retrying' && run.nextAttemptAt) {
    return { label: `Retrying at ${clockTime(run.nextAttemptAt, now)}`, tone: 'warning' };
  }
  if (paused && (run.status === 'queued' || run.status === 'retrying')) return { label: 'Paused', tone: 'warning' };
  return RUN_STATUS[run.status] ?? { label: run.status, tone: 'neutral' };
}

/** A delivery's status word: "Retrying at 14:02" while it waits. */
export function deliveryWord(
  d: { status: DeliveryStatus; nextAttemptAt: string | null },
  now = Date.now(),
): Omit<Word, 'hint'> {
  if (d.status === 'retrying' && d.nextAttemptAt) {
    return { label: `Retrying at ${clockTime(d.nextAttemptAt, now)}`, tone: 'warning' };
  }
  return DELIVERY_STATUS[d.status] ?? { label: d.status, tone: 'neutral' };
}

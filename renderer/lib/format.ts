// Plain words for times, durations, sizes and statuses. Pure, so unit-tested.
import type { DeliveryStatus, EventStatus, RunReason, RunStatus } from '../../shared/types';

const pad = (n: number) => String(n).padStart(2, '0');
// Intl formatters are costly to build: made once, reused for every row.
const MONTH = new Intl.DateTimeFormat('en', { month: 'short' });
const FULL = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** "14:03:22" today, "Yesterday 14:03", "3 Mar 14:03" before, with the year when not this year. */
export function formatTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = (a: Date, b: Date) =>
    a.getDate() === b.getDate() && a.getMonth() === b.getMonth() && a.getFullYear() === b.getFullYear();
  if (sameDay(d, now)) return `${hm}:${pad(d.getSeconds())}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(d, yesterday)) return `Yesterday ${hm}`;
  const month = MONTH.format(d);
  const year = d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${month}${year} ${hm}`;
}

/** Full date and time for tooltips and the detail view. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : FULL.format(d);
}

/** "in 5 min", "2 h ago", "now". */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  if (abs < 5_000) return 'now';
  let text: string;
  if (abs < 60_000) text = `${Math.round(abs / 1000)} s`;
  else if (abs < 3_600_000) text = `${Math.round(abs / 60_000)} min`;
  else if (abs < 86_400_000) text = `${Math.round(abs / 3_600_000)} h`;
  else text = `${Math.round(abs / 86_400_000)} d`;
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function durationBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  return new Date(end).getTime() - new Date(start).getTime();
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'muted';

export const EVENT_STATUS: Record<EventStatus, { label: string; tone: Tone; hint: string }> = {
  received: { label: 'Received', tone: 'info', hint: 'Stored safely; nothing needed to run.' },
  processing: { label: 'Running', tone: 'info', hint: 'Your scripts are running for it.' },
  done: { label: 'Done', tone: 'success', hint: 'Every script for it finished.' },
  failed: { label: 'Failed', tone: 'danger', hint: 'A script for it failed. Open it to see why.' },
  duplicate: { label: 'Duplicate', tone: 'muted', hint: 'Sent more than once by the provider; stored once.' },
  rejected: { label: 'Rejected', tone: 'warning', hint: 'Not accepted: the signature did not match.' },
};

export const RUN_STATUS: Record<RunStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Waiting', tone: 'neutral' },
  running: { label: 'Running', tone: 'info' },
  retrying: { label: 'Will retry', tone: 'warning' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

/** Why a run happened, as the event page and "Test it" label it; an arrival needs no label. */
export const RUN_REASON: Record<RunReason, string | null> = {
  event: null,
  replay: 'Replay',
  test: 'Test run',
};

export const DELIVERY_STATUS: Record<DeliveryStatus, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'neutral' },
  delivering: { label: 'Sending', tone: 'info' },
  retrying: { label: 'Will retry', tone: 'warning' },
  delivered: { label: 'Delivered', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

/** A short id for display ("evt_01HX…9K2"). */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** Lowercase letters, digits and dashes, for ids made from names. */
export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'item'
  );
}

/** "name", "name-2", ... whichever is free. */
export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

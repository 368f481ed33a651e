// Retry schedules an owner can read. Pure and shared: the engine's default for
// scripts comes from here, and the automation form shows the same numbers.
//
// Why these defaults: an automation usually talks to something the owner does
// not run (a spreadsheet, a mail server, an accounting API). Those go down for
// minutes to hours, so retries must span hours, not seconds. The shape follows
// the Standard Webhooks retry schedule (standardwebhooks.com, "Retry schedule":
// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, ...), started at 1 minute because a
// script that just failed rarely succeeds 5 s later.
import type { RetryConfig } from './config';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Default script retry delays (ms, after each failed attempt): 7 retries, 8 attempts, over ~15.6 h. */
export const SCRIPT_RETRY_LADDER: readonly number[] = Object.freeze([
  1 * MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
]);

/** Past the ladder each further retry waits this long (ms). */
const LAST_STEP = 8 * HOUR;

/** The default script retry (config shape): `{schedule: SCRIPT_RETRY_LADDER}`. */
export const DEFAULT_SCRIPT_RETRY_CONFIG: RetryConfig = Object.freeze({
  schedule: [...SCRIPT_RETRY_LADDER],
}) as RetryConfig;

/** The schedule for `retries` retries (0..99): the ladder cut short, or extended by 8 h steps. */
export function scriptRetrySchedule(retries: number): { schedule: number[] } {
  const n = Math.max(0, Math.floor(retries));
  return { schedule: Array.from({ length: n }, (_, i) => SCRIPT_RETRY_LADDER[i] ?? LAST_STEP) };
}

/**
 * The delays (ms) a retry config waits after each failed attempt; for the exponential
 * form the longest each may be (full jitter waits between initialDelayMs and that).
 */
export function retryDelays(retry: RetryConfig): number[] {
  if ('schedule' in retry) return [...retry.schedule];
  const out: number[] = [];
  for (let n = 1; n < Math.max(1, retry.maxAttempts); n++) {
    out.push(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (n - 1)));
  }
  return out;
}

/** "30 s", "5 min", "2 h", "1 h 30 min", "2 days": a delay as an owner reads it. */
export function formatDelay(ms: number): string {
  if (ms < MINUTE) return `${Math.round(ms / SECOND)} s`;
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms >= 48 * HOUR && ms % (24 * HOUR) === 0) return `${ms / (24 * HOUR)} days`;
  const h = Math.floor(ms / HOUR);
  const m = Math.round((ms - h * HOUR) / MINUTE);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/**
 * One sentence for the automation form, e.g. "If it fails: retries after ~1 min, 5 min,
 * 30 min, 1 h, 2 h, 4 h, 8 h; gives up about 15 h 36 min after the first try."
 */
export function describeRetry(retry: RetryConfig): string {
  const delays = retryDelays(retry);
  if (!delays.length) return 'If it fails: no retries; it is marked failed at once (you can retry it by hand).';
  const total = delays.reduce((a, b) => a + b, 0);
  const upTo = 'schedule' in retry ? '~' : 'up to ';
  return (
    `If it fails: retries after ${upTo}${delays.map(formatDelay).join(', ')}; ` +
    `gives up ${'schedule' in retry ? 'about' : 'at most'} ${formatDelay(total)} after the first try.`
  );
}

// Retry delays for the one job scheduler (scripts and outbox alike). Pure.
//
// Two forms, as in the config's `retry` (ARCHITECTURE.md "Contract: config"):
// - exponential: attempt n (1-based) failed -> wait a random time between
//   initialDelayMs and min(maxDelayMs, initialDelayMs * 2^(n-1)) ("full jitter"
//   with a floor, so a retry never comes sooner than the owner asked for and
//   many jobs failing together spread out instead of retrying in lockstep);
//   maxAttempts attempts in all.
// - schedule: the nth delay is schedule[n-1]; schedule.length + 1 attempts in all.
import type { RetryConfig } from '../../../shared/config';
import { SCRIPT_RETRY_LADDER } from '../../../shared/retry';

export type RetryPolicy = { maxAttempts: number; initialDelayMs: number; maxDelayMs: number } | { schedule: number[] };

/**
 * Scripts: 8 attempts over ~15.6 h (1 min, 5 min, 30 min, 1 h, 2 h, 4 h, 8 h), so an
 * outage of the things scripts talk to (hours, not seconds) does not end the handling.
 * The reasoning and the ladder live in shared/retry.ts, which the automation form shows.
 */
export const DEFAULT_SCRIPT_RETRY: RetryPolicy = Object.freeze({
  schedule: Object.freeze([...SCRIPT_RETRY_LADDER]) as number[],
}) as RetryPolicy;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Outbox: the Standard Webhooks schedule (10 attempts over about 3 days). */
export const DEFAULT_OUTBOX_RETRY: RetryPolicy = Object.freeze({
  schedule: Object.freeze([
    5 * SECOND,
    5 * MINUTE,
    30 * MINUTE,
    2 * HOUR,
    5 * HOUR,
    10 * HOUR,
    14 * HOUR,
    20 * HOUR,
    24 * HOUR,
  ]) as number[],
}) as RetryPolicy;

/** Attempts in all, the first one included. */
export function maxAttempts(policy: RetryPolicy): number {
  return 'schedule' in policy ? policy.schedule.length + 1 : Math.max(1, policy.maxAttempts);
}

/**
 * How long to wait before the next attempt, after `attemptsMade` attempts
 * failed; null when there is no attempt left. attemptsMade 0 -> 0 (run now).
 * `random` returns a number in [0, 1); injected so tests are deterministic.
 */
export function nextDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  random: () => number = Math.random,
): number | null {
  if (attemptsMade <= 0) return 0;
  if (attemptsMade >= maxAttempts(policy)) return null;
  if ('schedule' in policy) return Math.max(0, policy.schedule[attemptsMade - 1]);
  const initial = Math.max(0, policy.initialDelayMs);
  const max = Math.max(0, policy.maxDelayMs);
  // 2^(n-1) overflows to Infinity for large n, which min() then caps: fine.
  const cap = Math.min(max, initial * 2 ** (attemptsMade - 1));
  const floor = Math.min(initial, cap);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(floor + r * (cap - floor));
}

/** The policy for a config `retry` field (optional), falling back to `fallback`. A copy: safe to persist. */
export function toRetryPolicy(retry: RetryConfig | undefined, fallback: RetryPolicy): RetryPolicy {
  const p = retry ?? fallback;
  if ('schedule' in p) return { schedule: [...p.schedule] };
  return { maxAttempts: p.maxAttempts, initialDelayMs: p.initialDelayMs, maxDelayMs: p.maxDelayMs };
}

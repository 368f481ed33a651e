// "If it fails: retries after ~1 min, 5 min, 30 min, ...; gives up about 15 h 36 min
// after the first try." — the schedule the retry count in the automation form stands for.
import type { AutomationConfig } from '../../../shared/api';
import { describeRetry, scriptRetrySchedule } from '../../../shared/retry';

type Retry = NonNullable<AutomationConfig['retry']>;

/** How many retries (attempts after the first) a retry config allows. */
export function retryCount(retry: Retry): number {
  return 'schedule' in retry ? retry.schedule.length : Math.max(0, retry.maxAttempts - 1);
}

/**
 * The retry config to save for `retries` retries: the existing one when its count is
 * unchanged (a hand-written schedule or backoff is kept), else the default ladder cut or extended.
 */
export function retryFor(retries: number, existing: Retry | undefined): Retry {
  if (existing && retryCount(existing) === retries) return existing;
  return scriptRetrySchedule(retries);
}

export function RetrySchedule({ retries, existing }: { retries: string; existing: Retry | undefined }) {
  const r = Number(retries);
  if (!retries.trim() || !Number.isInteger(r) || r < 0 || r > 99)
    return <>Tried again later, waiting longer each time.</>;
  return <span data-testid="retry-schedule">{describeRetry(retryFor(r, existing))}</span>;
}

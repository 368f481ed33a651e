// Native notifications: for the event types the owner chose (say, refunds) and
// for every run or delivery that is dead-lettered. Rate-limited with a token
// bucket, so a burst of 500 refunds shows a few notifications and one
// "N more" summary instead of flooding the screen. The Notification class,
// the clock and the preferences are injected.
import type { DesktopPreferences, OpenTarget } from '../../shared/desktop';
import type { NotifyPush } from '../../shared/events';
import { NEVER_RUNS } from '../../shared/statuses';
import type { Delivery, EventSummary, Run } from '../../shared/types';
import type { Clock } from '../engine/util/clock';

export interface NotificationLike {
  on(event: 'click', fn: () => void): unknown;
  show(): void;
}

export interface NotificationContent {
  title: string;
  body: string;
}

/** Token bucket: `burst` at once, then one more every `refillMs`. Pure apart from the injected time. */
export function createRateLimiter(burst: number, refillMs: number, now: () => number) {
  let tokens = burst;
  let last = now();
  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + (t - last) / refillMs);
    last = t;
  };
  return {
    tryTake(): boolean {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    /** Milliseconds until the next token. */
    msUntilNext(): number {
      refill();
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * refillMs);
    },
  };
}

/** Event-type globs as in automations: `refund.*`, `orders/*`, `*`, or an exact type. */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => {
    if (!p.includes('*')) return p === type;
    const re = new RegExp(
      '^' +
        p
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
          .join('.*') +
        '$',
    );
    return re.test(type);
  });
}

export interface NotifierDeps {
  create(content: NotificationContent): NotificationLike;
  isSupported(): boolean;
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  prefs(): DesktopPreferences;
  open(target: OpenTarget): void;
  /** Default: 3 at once, then one every 10 s. */
  burst?: number;
  refillMs?: number;
}

export interface Notifier {
  onEventCreated(event: EventSummary): void;
  onRunUpdated(run: Run): void;
  onDeliveryUpdated(delivery: Delivery): void;
  /** A notify action's notification (push 'notify'): shown rate-limited; a click opens its event. */
  onNotify(push: NotifyPush): void;
  /** A one-off notice from the app itself (e.g. "still running in the tray"); not rate-limited. */
  notice(content: NotificationContent, target?: OpenTarget): void;
  /** Notifications held back by the rate limit and not yet summarised. */
  suppressed(): number;
  dispose(): void;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const limiter = createRateLimiter(deps.burst ?? 3, deps.refillMs ?? 10_000, () => deps.clock.now());
  let held = 0;
  let summaryTimer: unknown = null;
  // One notification per dead letter: a run.updated repeats while nothing changed.
  const seenFailures = new Set<string>();

  const show = (content: NotificationContent, target: OpenTarget) => {
    if (!deps.isSupported()) return;
    const n = deps.create(content);
    n.on('click', () => deps.open(target));
    n.show();
  };

  const flushSummary = () => {
    summaryTimer = null;
    if (held === 0) return;
    if (!limiter.tryTake()) return scheduleSummary();
    const count = held;
    held = 0;
    show(
      { title: `${count} more notification${count === 1 ? '' : 's'}`, body: 'Open Hookdock to see them all.' },
      { view: 'home' },
    );
  };
  const scheduleSummary = () => {
    if (summaryTimer) return;
    summaryTimer = deps.clock.setTimeout(flushSummary, Math.max(limiter.msUntilNext(), 50));
  };

  const limited = (content: NotificationContent, target: OpenTarget) => {
    if (!deps.prefs().notificationsEnabled || !deps.isSupported()) return;
    if (held === 0 && limiter.tryTake()) return show(content, target);
    held++;
    scheduleSummary();
  };

  return {
    onEventCreated(event) {
      if (NEVER_RUNS.has(event.status)) return;
      // The owner just pressed "Send a test event" and sees it in the window.
      if (event.test) return;
      if (!matchesEventType(deps.prefs().notifyEventTypes, event.type)) return;
      limited(
        { title: `${event.type} from ${event.source}`, body: event.summary ?? 'A new event arrived.' },
        { view: 'event', id: event.id },
      );
    },
    onRunUpdated(run) {
      // A test ("Test it", or on a test event) is watched where it was started, and
      // "Open it to retry" would be wrong: it is not the owner's real work (issue #11).
      if (run.status !== 'failed' || run.test) return;
      const key = `run:${run.id}:${run.attempts.length}`;
      if (seenFailures.has(key)) return;
      seenFailures.add(key);
      const last = run.attempts[run.attempts.length - 1];
      const why = last?.error ?? (last?.exitCode != null ? `exit code ${last.exitCode}` : 'it did not finish');
      limited(
        {
          title: `Automation "${run.automationId}" failed for good`,
          body: `After ${run.attempts.length} attempt(s): ${why}. Open it to retry.`,
        },
        { view: 'event', id: run.eventId },
      );
    },
    onDeliveryUpdated(delivery) {
      if (delivery.status !== 'failed') return;
      const key = `delivery:${delivery.id}:${delivery.attempts.length}`;
      if (seenFailures.has(key)) return;
      seenFailures.add(key);
      limited(
        {
          title: `Webhook to "${delivery.destinationId}" could not be delivered`,
          body: `${delivery.type}, after ${delivery.attempts.length} attempt(s). Open it to retry.`,
        },
        { view: 'outbox', id: delivery.id },
      );
    },
    onNotify(push) {
      // The owner asked for this one (their automation, or its "Test it"): not filtered by
      // event type, but the global switch and the rate limit still apply.
      limited({ title: push.title, body: push.body }, { view: 'event', id: push.eventId });
    },
    notice(content, target = { view: 'home' }) {
      show(content, target);
    },
    suppressed: () => held,
    dispose() {
      if (summaryTimer) deps.clock.clearTimeout(summaryTimer);
      summaryTimer = null;
    },
  };
}

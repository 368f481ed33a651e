// Native notifications: chosen event types and dead letters, rate-limited,
// with a fake Notification class and a fake clock.
import { describe, expect, it } from 'vitest';
import type { DesktopPreferences, OpenTarget } from '../../shared/desktop';
import type { Delivery, EventSummary, Run } from '../../shared/types';
import { createNotifier, createRateLimiter, matchesEventType } from '../../electron/shell/notifications';

function fakeClock() {
  let now = 1_000_000;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, id: next++ };
      timers.push(t);
      return t.id;
    },
    clearTimeout: (id: unknown) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    advance(ms: number) {
      now += ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > now) break;
        timers.shift();
        due.fn();
      }
    },
    pending: () => timers.length,
  };
}

function setup(prefs: Partial<DesktopPreferences> = {}, supported = true) {
  const clock = fakeClock();
  const shown: { title: string; body: string; click: () => void }[] = [];
  const opened: OpenTarget[] = [];
  const notifier = createNotifier({
    create: (content) => {
      const n = { ...content, click: () => undefined as void };
      return {
        on: (_: 'click', fn: () => void) => (n.click = fn),
        show: () => void shown.push(n),
      };
    },
    isSupported: () => supported,
    clock,
    prefs: () => ({ notifyEventTypes: ['charge.refunded', 'refund.*'], notificationsEnabled: true, ...prefs }),
    open: (t) => opened.push(t),
  });
  return { clock, shown, opened, notifier };
}

const event = (id: string, type = 'charge.refunded', over: Partial<EventSummary> = {}): EventSummary => ({
  id,
  source: 'payments',
  provider: 'stripe',
  type,
  status: 'received',
  receivedAt: '2026-11-27T10:00:00.000Z',
  providerEventId: id,
  verification: { ok: true, reason: null },
  summary: 'Refund of $59.00 for order #1042',
  sizeBytes: 10,
  redeliveries: 0,
  replayOf: null,
  ...over,
});

const failedRun = (id: string, attempts = 5): Run => ({
  id,
  eventId: 'evt_1',
  automationId: 'refund-alert',
  status: 'failed',
  attempts: Array.from({ length: attempts }, (_, i) => ({
    attempt: i + 1,
    startedAt: '',
    finishedAt: '',
    exitCode: 2,
    signal: null,
    error: null,
    stdout: '',
    stderr: '',
    truncated: false,
  })),
  nextAttemptAt: null,
  createdAt: '',
});

describe('event type globs', () => {
  it('matches exact types and * globs only', () => {
    expect(matchesEventType(['charge.refunded'], 'charge.refunded')).toBe(true);
    expect(matchesEventType(['refund.*'], 'refund.created')).toBe(true);
    expect(matchesEventType(['refund.*'], 'refundXcreated')).toBe(false);
    expect(matchesEventType(['orders/*'], 'orders/create')).toBe(true);
    expect(matchesEventType(['*'], 'anything')).toBe(true);
    expect(matchesEventType([], 'charge.refunded')).toBe(false);
    expect(matchesEventType(['charge.refunded'], 'charge.refunded.extra')).toBe(false);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then one per refill interval', () => {
    let now = 0;
    const limiter = createRateLimiter(3, 10_000, () => now);
    expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(limiter.msUntilNext()).toBe(10_000);
    now += 9_999;
    expect(limiter.tryTake()).toBe(false);
    now += 1;
    expect(limiter.tryTake()).toBe(true);
    now += 1_000_000;
    expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('notifier', () => {
  it('notifies the chosen event types only; click opens the event', () => {
    const { shown, opened, notifier } = setup();
    notifier.onEventCreated(event('evt_1'));
    notifier.onEventCreated(event('evt_2', 'customer.created'));
    notifier.onEventCreated(event('evt_3', 'refund.updated', { status: 'rejected' }));
    notifier.onEventCreated(event('evt_4', 'refund.updated', { status: 'duplicate' }));
    notifier.onEventCreated(event('evt_5', 'charge.refunded', { test: true }));
    expect(shown.map((s) => s.title)).toEqual(['charge.refunded from payments']);
    expect(shown[0].body).toBe('Refund of $59.00 for order #1042');
    shown[0].click();
    expect(opened).toEqual([{ view: 'event', id: 'evt_1' }]);
  });

  it('notifies each dead-lettered run and delivery once', () => {
    const { shown, opened, notifier } = setup({ notifyEventTypes: [] });
    notifier.onRunUpdated({ ...failedRun('run_1'), status: 'retrying' });
    notifier.onRunUpdated(failedRun('run_1'));
    notifier.onRunUpdated(failedRun('run_1')); // the same failure, announced again by the bus
    notifier.onRunUpdated({ ...failedRun('run_t'), reason: 'test', test: true }); // "Test it": watched on its page
    const delivery = {
      id: 'dlv_1',
      destinationId: 'analytics',
      type: 'order.synced',
      status: 'failed',
      attempts: [{}, {}],
    } as unknown as Delivery;
    notifier.onDeliveryUpdated(delivery);
    notifier.onDeliveryUpdated({ ...delivery, status: 'delivered' });
    expect(shown.map((s) => s.title)).toEqual([
      'Automation "refund-alert" failed for good',
      'Webhook to "analytics" could not be delivered',
    ]);
    expect(shown[0].body).toMatch(/After 5 attempt\(s\): exit code 2/);
    shown[1].click();
    expect(opened).toEqual([{ view: 'outbox', id: 'dlv_1' }]);
    // Retried by hand and failed again: a new failure, a new notification.
    notifier.onRunUpdated(failedRun('run_1', 6));
    expect(shown.length).toBe(3);
  });

  it('rate-limits a burst to a few notifications plus one summary', () => {
    const { shown, clock, notifier, opened } = setup();
    for (let i = 0; i < 500; i++) notifier.onEventCreated(event(`evt_${i}`));
    expect(shown.length).toBe(3);
    expect(notifier.suppressed()).toBe(497);
    clock.advance(10_000);
    expect(shown.length).toBe(4);
    expect(shown[3].title).toBe('497 more notifications');
    shown[3].click();
    expect(opened).toEqual([{ view: 'home' }]);
    expect(notifier.suppressed()).toBe(0);
    expect(clock.pending()).toBe(0);
    // Quiet again: the next one shows by itself, no summary.
    clock.advance(60_000);
    notifier.onEventCreated(event('evt_late'));
    expect(shown.at(-1)!.title).toBe('charge.refunded from payments');
  });

  it('shows nothing when notifications are off or unsupported; notices bypass the limit', () => {
    const off = setup({ notificationsEnabled: false });
    off.notifier.onEventCreated(event('evt_1'));
    off.notifier.onRunUpdated(failedRun('run_1'));
    expect(off.shown).toEqual([]);
    const unsupported = setup({}, false);
    unsupported.notifier.onEventCreated(event('evt_1'));
    expect(unsupported.shown).toEqual([]);
    const on = setup();
    for (let i = 0; i < 5; i++) on.notifier.onEventCreated(event(`evt_${i}`));
    on.notifier.notice({ title: 'Hookdock is still running', body: 'x' });
    expect(on.shown.at(-1)!.title).toBe('Hookdock is still running');
    on.notifier.dispose();
    expect(on.clock.pending()).toBe(0);
  });
});

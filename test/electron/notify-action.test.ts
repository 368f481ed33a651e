// A notify action's push shown by the shell's notifier (electron/shell/notifications.ts) with
// an injected fake Notification class: title and body as rendered, a click opens the event,
// the global switch and the rate limit apply.
import { expect, it } from 'vitest';
import type { DesktopPreferences, OpenTarget } from '../../shared/desktop';
import type { NotifyPush } from '../../shared/events';
import { createNotifier } from '../../electron/shell/notifications';

function setup(prefs: Partial<DesktopPreferences> = {}) {
  const shown: { title: string; body: string; click: () => void }[] = [];
  const opened: OpenTarget[] = [];
  const timers: (() => void)[] = [];
  const notifier = createNotifier({
    create: (content) => {
      const n = { ...content, click: () => undefined as void };
      return { on: (_: 'click', fn: () => void) => (n.click = fn), show: () => void shown.push(n) };
    },
    isSupported: () => true,
    clock: { now: () => 0, setTimeout: (fn: () => void) => timers.push(fn), clearTimeout: () => undefined },
    prefs: () => ({ notifyEventTypes: [], notificationsEnabled: true, ...prefs }),
    open: (t) => opened.push(t),
  });
  return { shown, opened, notifier, timers };
}

const push = (i: number): NotifyPush => ({
  eventId: `evt_${i}`,
  runId: `run_${i}`,
  automationId: 'orders',
  title: `New order from Zoë ${i}`,
  body: 'Order 820982911946154508: €1,199.50',
  test: false,
});

it('shows the rendered title and body whatever the chosen event types; a click opens the event', () => {
  const { shown, opened, notifier } = setup();
  notifier.onNotify(push(1));
  expect(shown.map(({ title, body }) => ({ title, body }))).toEqual([
    { title: 'New order from Zoë 1', body: 'Order 820982911946154508: €1,199.50' },
  ]);
  shown[0].click();
  expect(opened).toEqual([{ view: 'event', id: 'evt_1' }]);
});

it('respects the global switch, and a burst becomes a few plus one summary', () => {
  const off = setup({ notificationsEnabled: false });
  off.notifier.onNotify(push(1));
  expect(off.shown).toEqual([]);

  const { shown, notifier, timers } = setup();
  for (let i = 0; i < 50; i++) notifier.onNotify(push(i));
  expect(shown.map((s) => s.title)).toEqual(['New order from Zoë 0', 'New order from Zoë 1', 'New order from Zoë 2']);
  expect(notifier.suppressed()).toBe(47);
  expect(timers).toHaveLength(1); // one summary scheduled, not 47 notifications
});

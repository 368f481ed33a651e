// The shell's side of gap protection, with injected fakes: the tray's attention
// state and menu line for an unreachable public URL, the notification after two
// failed probes and at the end of a long gap, and the keep-awake blocker.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config';
import type { Gap } from '../../shared/gaps';
import type { Status } from '../../shared/types';
import { createBus } from '../../electron/engine/util/bus';
import { memoryLogger } from '../../electron/engine/util/logger';
import { watchGapAlerts } from '../../electron/shell/gap-alerts';
import { createKeepAwake, keepAwakeDefault } from '../../electron/shell/keep-awake';
import { statusLine, trayState } from '../../electron/shell/tray-state';

const ATTENTION =
  "Shopify can't reach Hookdock right now: the connection failed. Check this computer's internet connection.";

function status(over: Partial<Status> = {}): Status {
  return {
    version: '1',
    receiverUrl: 'http://127.0.0.1:8787',
    publicUrl: 'https://a.ngrok.app',
    tunnel: {
      state: 'online',
      provider: 'ngrok',
      url: 'https://a.ngrok.app',
      error: null,
      since: '2026-11-30T04:00:00Z',
    },
    counts: { events: 0, eventsToday: 0, rejectedToday: 0, runsFailed: 0, deliveriesFailed: 0, jobsPending: 0 },
    automationsPaused: false,
    store: { writable: true, lastWriteError: null, quarantined: [], damage: [] },
    configError: null,
    dataDir: '/tmp/x',
    ...over,
  };
}

describe('tray and notifications for reachability and gaps', () => {
  it('an unreachable public URL puts the tray in attention with the sentence as its status line', () => {
    const reachable = status({
      reachability: { state: 'reachable', checkedAt: '2026-11-30T04:01:00Z', attention: null },
    });
    expect(trayState(reachable)).toBe('ok');
    const down = status({
      reachability: { state: 'unreachable', checkedAt: '2026-11-30T04:02:00Z', attention: ATTENTION },
    });
    expect(trayState(down)).toBe('attention');
    expect(statusLine(down)).toBe(ATTENTION);
  });

  it('notifies once when attention starts, and at the end of a gap longer than 5 minutes only', () => {
    const bus = createBus();
    const shown: { title: string; body: string }[] = [];
    const off = watchGapAlerts(bus, (c) => shown.push(c));
    bus.emit('reachability.changed', { state: 'reachable', checkedAt: 'x', attention: null });
    bus.emit('reachability.changed', { state: 'unreachable', checkedAt: 'y', attention: ATTENTION });
    bus.emit('reachability.changed', { state: 'unreachable', checkedAt: 'z', attention: ATTENTION });
    expect(shown).toEqual([{ title: "Webhooks can't reach Hookdock", body: ATTENTION }]);

    const gap = (id: string, minutes: number, to = true): Gap => ({
      id,
      cause: 'asleep',
      from: '2026-11-30T04:00:00.000Z',
      to: to ? new Date(Date.parse('2026-11-30T04:00:00.000Z') + minutes * 60_000).toISOString() : null,
      sources: [],
    });
    bus.emit('gap.changed', gap('short', 2));
    bus.emit('gap.changed', gap('open', 30, false));
    bus.emit('gap.changed', gap('long', 42));
    bus.emit('gap.changed', gap('long', 42));
    expect(shown.slice(1)).toEqual([
      {
        title: 'While you were away',
        body: 'This computer was asleep for 42 minutes. Open Hookdock to see what each service does about what it sent meanwhile.',
      },
    ]);
    off();
  });
});

it('a stopped gap recorded while the engine started (before anyone listened) is noticed once; an old one is not', () => {
  const now = Date.parse('2026-11-30T05:00:00.000Z');
  const stopped = (id: string, endedMinutesAgo: number): Gap => ({
    id,
    cause: 'stopped',
    from: new Date(now - (endedMinutesAgo + 30) * 60_000).toISOString(),
    to: new Date(now - endedMinutesAgo * 60_000).toISOString(),
    sources: [],
  });
  const bus = createBus();
  const shown: { title: string; body: string }[] = [];
  const off = watchGapAlerts(bus, (c) => shown.push(c), { gaps: [stopped('new', 0), stopped('old', 60)], now });
  bus.emit('gap.changed', stopped('new', 0));
  expect(shown).toEqual([
    {
      title: 'While you were away',
      body: 'Hookdock was not running for 30 minutes. Open Hookdock to see what each service does about what it sent meanwhile.',
    },
  ]);
  off();
});

describe('keep-awake', () => {
  it('defaults to on only when a tunnel is configured', () => {
    expect(keepAwakeDefault(configSchema.parse({ tunnel: { provider: 'ngrok', authtoken: 'tok' } }))).toBe(true);
    expect(keepAwakeDefault(configSchema.parse({ tunnel: { provider: 'ngrok', authtoken: null } }))).toBe(false);
    expect(keepAwakeDefault(configSchema.parse({ tunnel: { provider: 'none' } }))).toBe(false);
  });

  it('starts one prevent-app-suspension blocker while wanted and stops it when not', () => {
    const live = new Set<number>();
    const calls: string[] = [];
    let next = 0;
    let wanted = true;
    const k = createKeepAwake(
      {
        start: (type) => (calls.push(`start ${type}`), live.add(++next), next),
        stop: (id) => void (calls.push(`stop ${id}`), live.delete(id)),
        isStarted: (id) => live.has(id),
      },
      () => wanted,
      memoryLogger(),
    );
    k.sync();
    k.sync();
    expect(k.active()).toBe(true);
    wanted = false;
    k.sync();
    expect(k.active()).toBe(false);
    expect(calls).toEqual(['start prevent-app-suspension', 'stop 1']);
  });
});

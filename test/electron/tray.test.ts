// The tray's state machine and menu, with an injected fake tray.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { EventSummary, Status } from '../../shared/types';
import { buildTrayMenu, createTrayController, recentEventLabel, type TrayActions } from '../../electron/shell/tray';
import { attentionReasons, statusLine, trayIconPath, trayState, trayTooltip } from '../../electron/shell/tray-state';

function status(
  over: Partial<Omit<Status, 'counts'>> & {
    tunnelState?: Status['tunnel']['state'];
    counts?: Partial<Status['counts']>;
  } = {},
): Status {
  const { tunnelState = 'online', counts, ...rest } = over;
  return {
    version: '0.1.0',
    receiverUrl: 'http://127.0.0.1:8787',
    publicUrl: tunnelState === 'online' ? 'https://shop.ngrok-free.app' : null,
    tunnel: {
      state: tunnelState,
      provider: 'ngrok',
      url: null,
      error: tunnelState === 'error' ? 'the authtoken was refused' : null,
      since: '2026-01-01T00:00:00.000Z',
    },
    counts: {
      events: 10,
      eventsToday: 3,
      rejectedToday: 0,
      runsFailed: 0,
      deliveriesFailed: 0,
      jobsPending: 0,
      ...counts,
    },
    automationsPaused: false,
    store: { writable: true, lastWriteError: null, quarantined: [], damage: [] },
    configError: null,
    dataDir: '/data',
    ...rest,
  };
}

function event(id: string, minute: number, over: Partial<EventSummary> = {}): EventSummary {
  return {
    id,
    source: 'payments',
    provider: 'stripe',
    type: 'charge.refunded',
    status: 'done',
    receivedAt: `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`,
    providerEventId: id,
    verification: { ok: true, reason: null },
    summary: null,
    sizeBytes: 100,
    redeliveries: 0,
    replayOf: null,
    ...over,
  };
}

describe('tray state', () => {
  it('maps status to ok / attention / paused / off, most urgent first', () => {
    expect(trayState(null)).toBe('off');
    expect(trayState(status())).toBe('ok');
    expect(trayState(status({ tunnelState: 'off' }))).toBe('off');
    expect(trayState(status({ tunnelState: 'connecting' }))).toBe('off');
    expect(trayState(status({ tunnel: { state: 'off', provider: 'none', url: null, error: null, since: '' } }))).toBe(
      'off',
    );
    expect(trayState(status({ automationsPaused: true }))).toBe('paused');
    expect(trayState(status({ automationsPaused: true, tunnelState: 'off' }))).toBe('paused');
    expect(trayState(status({ tunnelState: 'error' }))).toBe('attention');
    expect(trayState(status({ tunnelState: 'reconnecting' }))).toBe('attention');
    expect(trayState(status({ counts: { runsFailed: 1 } }))).toBe('attention');
    expect(trayState(status({ counts: { deliveriesFailed: 2 }, automationsPaused: true }))).toBe('attention');
    expect(
      trayState(status({ store: { writable: false, lastWriteError: 'ENOSPC', quarantined: [], damage: [] } })),
    ).toBe('attention');
    // Pending retries are normal work, not a problem.
    expect(trayState(status({ counts: { jobsPending: 4 } }))).toBe('ok');
  });

  it('says why in the status line and counts today in the tooltip', () => {
    expect(statusLine(status())).toBe('All good: receiving webhooks');
    expect(statusLine(status({ tunnelState: 'error' }))).toBe('Tunnel down: the authtoken was refused');
    expect(statusLine(status({ counts: { runsFailed: 1, deliveriesFailed: 2 } }))).toBe('Needs attention: 2 problems');
    expect(attentionReasons(status({ counts: { runsFailed: 1, deliveriesFailed: 2 } }))).toEqual([
      '1 script run failed for good.',
      '2 outgoing webhooks could not be delivered.',
    ]);
    expect(statusLine(status({ automationsPaused: true }))).toBe('Automations paused');
    expect(statusLine(status({ tunnelState: 'off' }))).toMatch(/^Tunnel off/);
    expect(trayTooltip(status({ counts: { eventsToday: 12, rejectedToday: 1, runsFailed: 2 } }))).toBe(
      'Hookdock: 12 events today, 1 rejected, 2 failed',
    );
    expect(trayTooltip(status({ counts: { eventsToday: 1 } }))).toBe('Hookdock: 1 event today');
  });

  it('picks template images on macOS and plain PNGs elsewhere', () => {
    expect(trayIconPath('/i', 'attention', 'darwin')).toBe('/i/tray-attentionTemplate.png');
    expect(trayIconPath('/i', 'ok', 'win32')).toBe('/i/tray-ok.png');
    expect(trayIconPath('/i', 'paused', 'linux')).toBe('/i/tray-paused-32.png');
  });
});

function recorder() {
  const calls: string[] = [];
  const actions: TrayActions = {
    openWindow: () => calls.push('open'),
    openEvent: (id) => calls.push(`event:${id}`),
    copyText: (t) => calls.push(`copy:${t}`),
    setAutomationsPaused: (p) => calls.push(`paused:${p}`),
    setLaunchAtLogin: (e) => calls.push(`login:${e}`),
    quit: () => calls.push('quit'),
  };
  return { calls, actions };
}

const click = (items: MenuItemConstructorOptions[], id: string) => {
  const item = items.find((i) => i.id === id);
  if (!item?.click) throw new Error(`no clickable ${id}`);
  (item.click as () => void)();
};

describe('tray menu', () => {
  it('has status, URL (click copies), open, recent events, pause, launch at login, quit', () => {
    const { calls, actions } = recorder();
    const recent = [event('evt_b', 5), event('evt_a', 4, { status: 'failed' })];
    const menu = buildTrayMenu(
      { status: status(), recent, launchAtLogin: { enabled: true, supported: true } },
      actions,
    );
    const labels = menu.filter((i) => i.type !== 'separator').map((i) => i.label);
    expect(labels[0]).toBe('All good: receiving webhooks');
    expect(labels).toContain('Open Hookdock');
    expect(labels).toContain('Pause automations');
    expect(labels.at(-1)).toBe('Quit Hookdock');
    expect(menu.find((i) => i.id === 'status')!.enabled).toBe(false);
    expect(menu.find((i) => i.id === 'launch-at-login')).toMatchObject({ type: 'checkbox', checked: true });
    expect(menu.find((i) => i.id === 'event:evt_a')!.label).toMatch(/payments · charge\.refunded \(failed\)$/);

    click(menu, 'public-url');
    click(menu, 'open');
    click(menu, 'event:evt_a');
    click(menu, 'pause');
    click(menu, 'launch-at-login');
    click(menu, 'quit');
    expect(calls).toEqual([
      'copy:https://shop.ngrok-free.app',
      'open',
      'event:evt_a',
      'paused:true',
      'login:false',
      'quit',
    ]);
  });

  it('offers Resume when paused, a disabled URL line when the tunnel is off, no login item where unsupported', () => {
    const { actions } = recorder();
    const menu = buildTrayMenu(
      {
        status: status({ automationsPaused: true, tunnelState: 'off' }),
        recent: [],
        launchAtLogin: { enabled: false, supported: false },
      },
      actions,
    );
    expect(menu.find((i) => i.id === 'pause')!.label).toBe('Resume automations');
    expect(menu.find((i) => i.id === 'public-url')).toMatchObject({
      enabled: false,
      label: 'No public URL: tunnel off',
    });
    expect(menu.find((i) => i.id === 'launch-at-login')).toBeUndefined();
    expect(menu.find((i) => i.id === 'recent-header')!.label).toBe('No events yet');
  });

  it('shortens long event labels', () => {
    expect(recentEventLabel(event('e', 1, { type: 'x'.repeat(100) })).length).toBeLessThanOrEqual(60);
  });
});

describe('tray controller', () => {
  function fakeTray() {
    const log: string[] = [];
    let menu: MenuItemConstructorOptions[] = [];
    let onClick: (() => void) | null = null;
    const tray = {
      setImage: (img: string) => log.push(`image:${img}`),
      setToolTip: (t: string) => log.push(`tooltip:${t}`),
      setContextMenu: (m: MenuItemConstructorOptions[]) => {
        menu = m;
        log.push('menu');
      },
      on: (_: 'click', fn: () => void) => (onClick = fn),
      destroy: () => log.push('destroyed'),
    };
    return { tray, log, menu: () => menu, click: () => onClick?.() };
  }

  it('changes the icon only on a transition and keeps the last 5 events, newest first', () => {
    const fake = fakeTray();
    const { calls, actions } = recorder();
    let created: string | null = null;
    const ctl = createTrayController<string, MenuItemConstructorOptions[]>({
      createTray: (img) => ((created = img), fake.tray as never),
      buildMenu: (t) => t,
      icon: (state) => `icon-${state}`,
      actions,
      launchAtLogin: () => ({ enabled: false, supported: true }),
    });
    expect(created).toBe('icon-off');
    ctl.setStatus(status());
    ctl.setStatus(status({ counts: { eventsToday: 4 } }));
    ctl.setStatus(status({ counts: { runsFailed: 1 } }));
    ctl.setStatus(status({ counts: { runsFailed: 2 } }));
    ctl.setStatus(status({ automationsPaused: true }));
    ctl.setStatus(status({ tunnelState: 'off' }));
    expect(fake.log.filter((l) => l.startsWith('image:'))).toEqual([
      'image:icon-ok',
      'image:icon-attention',
      'image:icon-paused',
      'image:icon-off',
    ]);
    expect(ctl.state()).toBe('off');
    expect(fake.log).toContain('tooltip:Hookdock: 4 events today');

    for (let i = 0; i < 8; i++) ctl.noteEvent(event(`evt_${i}`, i));
    ctl.noteEvent(event('evt_7', 7, { status: 'failed' })); // an update, not a new row
    const ids = fake
      .menu()
      .filter((i) => i.id?.startsWith('event:'))
      .map((i) => i.id);
    expect(ids).toEqual(['event:evt_7', 'event:evt_6', 'event:evt_5', 'event:evt_4', 'event:evt_3']);
    expect(fake.menu().find((i) => i.id === 'event:evt_7')!.label).toMatch(/\(failed\)$/);

    // Nothing visible changed: the menu is not rebuilt (an open menu would flicker).
    const menus = fake.log.filter((l) => l === 'menu').length;
    ctl.setStatus(status({ tunnelState: 'off' }));
    expect(fake.log.filter((l) => l === 'menu').length).toBe(menus);

    fake.click();
    expect(calls).toEqual(['open']);
    ctl.dispose();
    expect(fake.log.at(-1)).toBe('destroyed');
  });
});

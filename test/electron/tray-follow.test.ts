// The tray of a follower (follow mode, issue #15): its status line and icon come from the
// connection to the server, not from a tunnel it does not have. Injected fake tray.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { FollowStatus } from '../../shared/follow';
import type { Status } from '../../shared/types';
import { createTrayController } from '../../electron/shell/tray';
import { attentionReasons, statusLine, trayState } from '../../electron/shell/tray-state';

const SERVER = 'https://vps.example.com';

function status(follow: Partial<FollowStatus> | null, over: Partial<Status> = {}): Status {
  return {
    version: '0.1.0',
    receiverUrl: 'http://127.0.0.1:8787',
    publicUrl: null,
    // ngrok configured but stopped while following: no "tunnel down" for that.
    tunnel: { state: 'off', provider: 'ngrok', url: null, error: null, since: '2026-01-01T00:00:00.000Z' },
    counts: { events: 1, eventsToday: 1, rejectedToday: 0, runsFailed: 0, deliveriesFailed: 0, jobsPending: 0 },
    automationsPaused: false,
    store: { writable: true, lastWriteError: null, quarantined: [], damage: [] },
    configError: null,
    dataDir: '/data',
    reachability: { state: 'unknown', checkedAt: null, attention: null } as unknown as Status['reachability'],
    follow:
      follow === null
        ? null
        : { state: 'following', behind: 0, server: SERVER, error: null, lastEventAt: null, ...follow },
    ...over,
  };
}

describe('tray of a follower', () => {
  it('says following / catching up n events / cannot reach the server, with the matching icon', () => {
    expect(statusLine(status({}))).toBe('Following vps.example.com');
    expect(trayState(status({}))).toBe('ok');
    expect(statusLine(status({ state: 'catching-up', behind: 1234 }))).toBe(
      'Following vps.example.com · catching up 1,234 events',
    );
    expect(trayState(status({ state: 'catching-up', behind: 1234 }))).toBe('ok');
    const why = `Cannot reach ${SERVER}: nothing answers there (is hookdock serve running with --follow-port?). Hookdock keeps trying.`;
    const down = status({ state: 'unreachable', error: why });
    expect(attentionReasons(down)).toEqual([`Cannot reach the server: ${why}`]);
    expect(statusLine(down)).toBe(`Cannot reach the server: ${why}`);
    expect(trayState(down)).toBe('attention');
    // Not following: the tunnel decides, as before.
    expect(statusLine(status(null))).toMatch(/^Tunnel off/);
    expect(trayState(status(null))).toBe('off');
  });

  it('moves the icon and the menu line as the connection changes', () => {
    const log: string[] = [];
    let menu: MenuItemConstructorOptions[] = [];
    const tray = {
      setImage: (img: string) => log.push(`image:${img}`),
      setToolTip: () => undefined,
      setContextMenu: (m: MenuItemConstructorOptions[]) => (menu = m),
      on: () => undefined,
      destroy: () => undefined,
    };
    const ctl = createTrayController<string, MenuItemConstructorOptions[]>({
      createTray: () => tray as never,
      buildMenu: (t) => t,
      icon: (state) => `icon-${state}`,
      actions: {
        openWindow: () => undefined,
        openEvent: () => undefined,
        copyText: () => undefined,
        setAutomationsPaused: () => undefined,
        setLaunchAtLogin: () => undefined,
        quit: () => undefined,
      },
      launchAtLogin: () => ({ enabled: false, supported: true }),
    });
    const line = () => menu.find((i) => i.id === 'status')?.label;
    ctl.setStatus(status({ state: 'catching-up', behind: 2 }));
    expect(line()).toBe('Following vps.example.com · catching up 2 events');
    ctl.setStatus(status({ state: 'unreachable', error: 'the connection was cut.' }));
    expect(line()).toBe('Cannot reach the server: the connection was cut.');
    ctl.setStatus(status({}));
    expect(line()).toBe('Following vps.example.com');
    expect(log.filter((l) => l.startsWith('image:'))).toEqual([
      'image:icon-ok',
      'image:icon-attention',
      'image:icon-ok',
    ]);
  });
});

// The tray: icon, tooltip and menu, driven by the engine's Status and the
// newest events. The tray itself comes from an injected factory (Signal's
// `createTrayInstance` "for testing"), so tests run without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import type { EventSummary, Status } from '../../shared/types';
import { statusLine, trayState, trayTooltip, type TrayState } from './tray-state';

export interface TrayLike {
  setImage(image: never): void;
  setToolTip(text: string): void;
  setContextMenu(menu: never): void;
  on(event: 'click', fn: () => void): unknown;
  destroy(): void;
}

export interface TrayActions {
  openWindow(): void;
  openEvent(id: string): void;
  copyText(text: string): void;
  setAutomationsPaused(paused: boolean): void;
  setLaunchAtLogin(enabled: boolean): void;
  /** Optional: the keep-awake checkbox (keep-awake.ts). */
  setKeepAwake?(enabled: boolean): void;
  quit(): void;
}

export interface TrayModel {
  status: Status | null;
  recent: EventSummary[];
  launchAtLogin: { enabled: boolean; supported: boolean };
  /** Null or absent: no keep-awake item (no powerSaveBlocker on this host). */
  keepAwake?: { enabled: boolean } | null;
}

export const RECENT_EVENTS = 5;

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')} `;
}

/** One menu line for an event: "14:02 payments · charge.refunded (failed)". Menus show text only, so keep it short. */
export function recentEventLabel(e: EventSummary): string {
  const status = e.status === 'done' || e.status === 'received' ? '' : ` (${e.status})`;
  const label = `${clock(e.receivedAt)}${e.source} · ${e.type}${status}`;
  return label.length > 60 ? label.slice(0, 59) + '…' : label;
}

/** The tray menu, as a template: pure, so tests read it like a person would. */
export function buildTrayMenu(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  const { status } = model;
  const url = status?.publicUrl ?? null;
  const items: MenuItemConstructorOptions[] = [
    { id: 'status', label: statusLine(status), enabled: false },
    url
      ? { id: 'public-url', label: `${url}  (click to copy)`, click: () => actions.copyText(url) }
      : { id: 'public-url', label: 'No public URL: tunnel off', enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open Hookdock', click: () => actions.openWindow() },
    { type: 'separator' },
    { id: 'recent-header', label: model.recent.length ? 'Recent events' : 'No events yet', enabled: false },
    ...model.recent.slice(0, RECENT_EVENTS).map((e): MenuItemConstructorOptions => ({
      id: `event:${e.id}`,
      label: recentEventLabel(e),
      click: () => actions.openEvent(e.id),
    })),
    { type: 'separator' },
  ];
  const paused = status?.automationsPaused ?? false;
  items.push({
    id: 'pause',
    label: paused ? 'Resume automations' : 'Pause automations',
    enabled: !!status,
    click: () => actions.setAutomationsPaused(!paused),
  });
  if (model.launchAtLogin.supported) {
    items.push({
      id: 'launch-at-login',
      label: 'Launch at login',
      type: 'checkbox',
      checked: model.launchAtLogin.enabled,
      click: () => actions.setLaunchAtLogin(!model.launchAtLogin.enabled),
    });
  }
  if (model.keepAwake && actions.setKeepAwake) {
    const { enabled } = model.keepAwake;
    items.push({
      id: 'keep-awake',
      label: 'Keep this computer awake',
      type: 'checkbox',
      checked: enabled,
      click: () => actions.setKeepAwake?.(!enabled),
    });
  }
  items.push({ type: 'separator' }, { id: 'quit', label: 'Quit Hookdock', click: () => actions.quit() });
  return items;
}

export interface TrayDeps<Image, Menu> {
  createTray(image: Image): TrayLike;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  icon(state: TrayState): Image;
  actions: TrayActions;
  launchAtLogin(): { enabled: boolean; supported: boolean };
  keepAwake?(): { enabled: boolean } | null;
  /** Windows and Linux: a click on the icon opens the window. macOS shows the menu instead. */
  openOnClick?: boolean;
}

export interface TrayController {
  setStatus(status: Status): void;
  /** A new or changed event: kept in the recent list, newest first. */
  noteEvent(event: EventSummary): void;
  refreshMenu(): void;
  state(): TrayState;
  dispose(): void;
}

/**
 * The state machine: the icon changes only on a transition, the menu and
 * tooltip whenever what they show changed (menus are rebuilt cheaply but
 * rebuilding on every event flickers an open menu on some desktops).
 */
export function createTrayController<Image, Menu>(deps: TrayDeps<Image, Menu>): TrayController {
  let status: Status | null = null;
  let recent: EventSummary[] = [];
  let current: TrayState = trayState(null);
  const tray = deps.createTray(deps.icon(current));
  if (deps.openOnClick ?? true) tray.on('click', () => deps.actions.openWindow());
  let lastMenuKey = '';
  let lastTooltip = '';

  const render = () => {
    const next = trayState(status);
    if (next !== current) {
      current = next;
      tray.setImage(deps.icon(next) as never);
    }
    const tooltip = trayTooltip(status);
    if (tooltip !== lastTooltip) tray.setToolTip((lastTooltip = tooltip));
    const model: TrayModel = {
      status,
      recent,
      launchAtLogin: deps.launchAtLogin(),
      keepAwake: deps.keepAwake?.() ?? null,
    };
    const template = buildTrayMenu(model, deps.actions);
    const key = JSON.stringify(template.map((i) => [i.id, i.label, i.enabled, i.checked]));
    if (key !== lastMenuKey) {
      lastMenuKey = key;
      tray.setContextMenu(deps.buildMenu(template) as never);
    }
  };
  render();

  return {
    setStatus(next) {
      status = next;
      render();
    },
    noteEvent(event) {
      recent = [event, ...recent.filter((e) => e.id !== event.id)]
        .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
        .slice(0, RECENT_EVENTS);
      render();
    },
    refreshMenu: () => {
      lastMenuKey = '';
      render();
    },
    state: () => current,
    dispose: () => tray.destroy(),
  };
}

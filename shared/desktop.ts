// Desktop-only extras, offered by the Electron preload as `window.hookdockDesktop`
// next to the `window.hookdock` bridge (shared/bridge.ts). In a browser neither
// global exists: the renderer checks for them and hides desktop-only controls.
// Pure types and names only: this file is imported (type-only) by the sandboxed
// preload, which cannot load packages.
import type { Unsubscribe } from './events';

/** Names of the globals the preload defines with contextBridge. */
export const BRIDGE_GLOBAL = 'hookdock';
export const DESKTOP_GLOBAL = 'hookdockDesktop';

/** Where provider secrets, destination secrets and the ngrok authtoken are kept. */
export interface SecretsStorageStatus {
  /** os-keychain: encrypted with the OS keychain (safeStorage); plain-file: readable only by this user (mode 0600). */
  mode: 'os-keychain' | 'plain-file';
  /** A sentence for the Settings page. */
  description: string;
}

/** What "Reveal in folder" may show: never an arbitrary path from the renderer. */
export type RevealTarget =
  | { target: 'dataDir' }
  | { target: 'script'; automationId: string }
  /** DATA_DIR/scripts, where starter scripts are written. */
  | { target: 'scripts' };

/** Desktop preferences kept in DATA_DIR/desktop.json (not in config.json: the headless host has no use for them). */
export interface DesktopPreferences {
  /** Event types (exact or globs like `refund.*`) that raise a native notification. Dead letters always do. */
  notifyEventTypes: string[];
  /** Notifications on or off altogether. */
  notificationsEnabled: boolean;
  /**
   * Keep the computer from sleeping while Hookdock runs (Electron powerSaveBlocker,
   * 'prevent-app-suspension'). Until the owner chooses: on when a tunnel is configured.
   * Always set by the desktop host; optional only for callers that build preferences by hand.
   */
  keepAwake?: boolean;
}

/** What main asks the renderer to show (a tray or notification click). */
export type OpenTarget =
  { view: 'event'; id: string } | { view: 'outbox'; id: string } | { view: 'settings' } | { view: 'home' };

export interface DesktopBridge {
  /** The native file picker for an automation's script; null when cancelled. */
  pickScript(args: { defaultPath?: string | null }): Promise<{ path: string | null }>;
  revealInFolder(args: RevealTarget): Promise<{ ok: true }>;
  getLaunchAtLogin(args: Record<string, never>): Promise<{ enabled: boolean; supported: boolean }>;
  setLaunchAtLogin(args: { enabled: boolean }): Promise<{ enabled: boolean; supported: boolean }>;
  getSecretsStorage(args: Record<string, never>): Promise<SecretsStorageStatus>;
  getPreferences(args: Record<string, never>): Promise<DesktopPreferences>;
  setPreferences(args: Partial<DesktopPreferences>): Promise<DesktopPreferences>;
  /** Main asks the renderer to show something (tray menu, notification click). */
  onOpen(fn: (target: OpenTarget) => void): Unsubscribe;
}

export type DesktopMethod = Exclude<keyof DesktopBridge, 'onOpen'>;

/** IPC channel names, shared by preload and main so neither spells them twice. */
export const IPC = {
  api: (method: string) => `hookdock:api:${method}`,
  desktop: (method: string) => `hookdock:desktop:${method}`,
  /** main -> renderer: [name, payload] of shared/events.ts */
  push: 'hookdock:push',
  /** renderer -> main: listening, flush the queued push events */
  ready: 'hookdock:ready',
  /** main -> renderer: an OpenTarget */
  open: 'hookdock:open',
} as const;

/** How a handler answers over IPC: errors as data, so the sentence survives the boundary. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

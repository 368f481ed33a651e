// The one main window: created on demand with the secure preferences of
// security.ts, loaded from app://hookdock/. Closing it hides it: the app lives
// in the tray until Quit (the first time, a notice says so).
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_ENTRY, secureWebPreferences } from './security';

export type WindowLike = Pick<
  BrowserWindow,
  | 'loadURL'
  | 'show'
  | 'hide'
  | 'focus'
  | 'isMinimized'
  | 'restore'
  | 'isDestroyed'
  | 'isVisible'
  | 'on'
  | 'once'
  | 'webContents'
>;

export interface WindowDeps {
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  preloadPath: string;
  icon?: string;
  isQuitting(): boolean;
  /** The window was hidden by its close button for the first time ever. */
  onFirstHide(): void;
  firstHideDone(): boolean;
  /** The page started (re)loading: push events must queue until it says ready. */
  onPageLoading(): void;
  onPageCrashed?(reason: string): void;
}

export interface WindowManager {
  /** Creates the window if needed, shows and focuses it. */
  show(): WindowLike;
  current(): WindowLike | null;
  webContentsId(): number | null;
}

export function createWindowManager(deps: WindowDeps): WindowManager {
  let win: WindowLike | null = null;

  const create = (): WindowLike => {
    const w = deps.createWindow({
      width: 1200,
      height: 800,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Hookdock',
      backgroundColor: '#ffffff',
      ...(deps.icon ? { icon: deps.icon } : {}),
      webPreferences: secureWebPreferences(deps.preloadPath),
    });
    w.once('ready-to-show', () => w.show());
    w.on('close', (event) => {
      if (deps.isQuitting()) return;
      event.preventDefault();
      w.hide();
      if (!deps.firstHideDone()) deps.onFirstHide();
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    w.webContents.on('did-start-loading', () => deps.onPageLoading());
    w.webContents.on('render-process-gone', (_event, details) => {
      deps.onPageCrashed?.(details.reason);
      // A crashed renderer leaves a blank window: load it again rather than show nothing.
      if (details.reason !== 'clean-exit' && !w.isDestroyed()) void w.loadURL(APP_ENTRY).catch(() => undefined);
    });
    void w.loadURL(APP_ENTRY).catch(() => undefined);
    return w;
  };

  return {
    show() {
      if (!win || win.isDestroyed()) win = create();
      else {
        if (win.isMinimized()) win.restore();
        win.show();
      }
      win.focus();
      return win;
    },
    current: () => (win && !win.isDestroyed() ? win : null),
    webContentsId: () => (win && !win.isDestroyed() ? win.webContents.id : null),
  };
}

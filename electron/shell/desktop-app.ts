// Composition of the desktop host: every Electron object comes in through
// `DesktopDeps`, so the wiring (single instance, quit drain, IPC, tray,
// notifications) runs in tests with fakes. electron/main.ts only fills this in.
import type {
  App,
  BaseWindow,
  BrowserWindowConstructorOptions,
  Clipboard,
  Dialog,
  IpcMain,
  MenuItemConstructorOptions,
  Protocol,
  SafeStorage,
  Session,
  Shell,
} from 'electron';
import type { OpenTarget } from '../../shared/desktop';
import type { EventSummary, Status } from '../../shared/types';
import type { Engine, EngineOptions } from '../engine/types';
import type { Clock } from '../engine/util/clock';
import type { Logger } from '../engine/util/logger';
import { appMenuTemplate } from './app-menu';
import { createDesktopHandlers } from './desktop-handlers';
import { isTrustedSender, createPushForwarder, listenForReady, registerIpcHandlers } from './ipc';
import { acquireSingleInstance, wireQuitDrain } from './lifecycle';
import { pickScript, reveal, revealPath, type LaunchAtLogin } from './native';
import { createNotifier, type NotificationContent, type NotificationLike } from './notifications';
import { watchGapAlerts } from './gap-alerts';
import { createKeepAwake, keepAwakeDefault, type PowerSaveBlockerLike } from './keep-awake';
import { loadPrefs } from './prefs';
import { createSecretCodec, secretsStatus, trackCodecUse, type SafeStorageLike } from './secrets';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler, hardenApp, hardenSession } from './security';
import { createTrayController, type TrayLike } from './tray';
import { trayIconPath, type TrayState } from './tray-state';
import { watchWake, type PowerMonitorLike } from './wake';
import { createWindowManager, type WindowLike } from './window';

export interface DesktopDeps {
  app: Pick<
    App,
    'requestSingleInstanceLock' | 'on' | 'quit' | 'exit' | 'whenReady' | 'getPath' | 'getVersion' | 'isPackaged'
  >;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  session: () => Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >;
  shell: Pick<Shell, 'openExternal' | 'openPath' | 'showItemInFolder'>;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>;
  clipboard: Pick<Clipboard, 'writeText'>;
  safeStorage: SafeStorageLike & Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  createTray(image: unknown): TrayLike;
  buildMenu(template: MenuItemConstructorOptions[]): unknown;
  setApplicationMenu(menu: unknown): void;
  image(path: string): unknown;
  notification: { isSupported(): boolean; create(content: NotificationContent): NotificationLike };
  launchAtLogin: LaunchAtLogin;
  /** Electron's powerSaveBlocker; absent in tests that do not care (then no keep-awake). */
  powerSaveBlocker?: PowerSaveBlockerLike;
  /** Electron's powerMonitor: waking probes at once (wake.ts); absent in tests that do not care. */
  powerMonitor?: PowerMonitorLike;
  createEngine(options: EngineOptions): Engine;
  readFile(file: string): Promise<Uint8Array>;
  exists(file: string): boolean;
  platform: NodeJS.Platform;
  paths: { preload: string; renderer: string; trayIcons: string; appIcon?: string };
  logger: Logger;
  clock: Clock;
  /** Started by the OS at login: stay in the tray, no window. */
  startHidden: boolean;
  devTools: boolean;
}

export interface DesktopApp {
  engine: Engine;
  showWindow(): void;
  open(target: OpenTarget): void;
}

/** Returns null when another instance holds the lock (this one is quitting). */
export async function startDesktopApp(deps: DesktopDeps): Promise<DesktopApp | null> {
  const { app, logger } = deps;
  // Before anything else: a second launch must not boot a second engine on the same data dir.
  let windows: ReturnType<typeof createWindowManager> | null = null;
  if (!acquireSingleInstance(app, () => windows?.show())) return null;

  deps.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  hardenApp(app, deps.shell);
  let engine: Engine | null = null;
  const quit = wireQuitDrain(app, async () => engine?.stop(), { logger, clock: deps.clock });

  await app.whenReady();
  hardenSession(deps.session());
  deps.protocol.handle(APP_SCHEME, createAppProtocolHandler(deps.paths.renderer, deps.readFile));

  // safeStorage can tell its backend only once the app is ready.
  const tracked = trackCodecUse(createSecretCodec(deps.safeStorage, deps.platform));
  const codec = tracked.codec;
  const dataDir = app.getPath('userData');
  engine = deps.createEngine({ dataDir, version: app.getVersion(), logger, secretCodec: codec });
  try {
    await engine.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.error('the engine could not start', { error: err });
    deps.dialog.showErrorBox('Hookdock could not start', message);
    app.exit(1);
    return null;
  }
  const running = engine;
  const prefs = await loadPrefs(dataDir, logger, () => keepAwakeDefault(running.config.current()));
  const keepAwake = deps.powerSaveBlocker
    ? createKeepAwake(deps.powerSaveBlocker, () => prefs.get().keepAwake === true, logger)
    : null;
  keepAwake?.sync();

  let forwarder: ReturnType<typeof createPushForwarder> | null = null;
  windows = createWindowManager({
    createWindow: deps.createWindow,
    preloadPath: deps.paths.preload,
    icon: deps.paths.appIcon,
    isQuitting: quit.isQuitting,
    firstHideDone: () => prefs.closeNoticeShown(),
    onFirstHide: () => {
      notifier.notice({
        title: 'Hookdock is still running',
        body: 'It keeps receiving webhooks in the tray. Quit from the tray menu.',
      });
      void prefs.markCloseNoticeShown();
    },
    onPageLoading: () => forwarder?.notReady(),
    onPageCrashed: (reason) => logger.warn('the window crashed; reloading it', { reason }),
  });
  const win = windows;
  const open = (target: OpenTarget) => {
    win.show();
    forwarder?.open(target);
  };

  const notifier = createNotifier({
    create: deps.notification.create,
    isSupported: deps.notification.isSupported,
    clock: deps.clock,
    prefs: () => prefs.get(),
    open,
  });

  const refreshStatus = () =>
    running.handlers.getStatus({}).then(
      (s) => tray.setStatus(s),
      (err) => logger.warn('could not read the status for the tray', { error: err }),
    );
  const tray = createTrayController({
    createTray: deps.createTray,
    buildMenu: deps.buildMenu,
    icon: (state: TrayState) => deps.image(trayIconPath(deps.paths.trayIcons, state, deps.platform)),
    launchAtLogin: () => deps.launchAtLogin.get(),
    keepAwake: () => (keepAwake ? { enabled: prefs.get().keepAwake === true } : null),
    openOnClick: deps.platform !== 'darwin',
    actions: {
      openWindow: () => win.show(),
      openEvent: (id) => open({ view: 'event', id }),
      copyText: (text) => deps.clipboard.writeText(text),
      setAutomationsPaused: (paused) =>
        void running.handlers
          .setAutomationsPaused({ paused })
          .then(refreshStatus, (err) => logger.warn('could not pause automations', { error: err })),
      setLaunchAtLogin: (enabled) =>
        void deps.launchAtLogin.set(enabled).then(
          () => tray.refreshMenu(),
          (err) => logger.warn('could not change launch at login', { error: err }),
        ),
      setKeepAwake: (enabled) =>
        void prefs
          .set({ keepAwake: enabled })
          .catch((err) => logger.warn('could not change keep-awake', { error: err })),
      quit: () => app.quit(),
    },
  });
  prefs.onChange(() => {
    keepAwake?.sync();
    tray.refreshMenu();
  });
  const startupGaps = await running.handlers.listGaps({}).catch(() => ({ items: [] }));
  watchGapAlerts(running.bus, (content, target) => notifier.notice(content, target), {
    gaps: startupGaps.items,
    now: deps.clock.now(),
  });

  if (deps.powerMonitor) watchWake(deps.powerMonitor, running.gaps, logger, running.follower);

  const trusted = (event: Parameters<typeof isTrustedSender>[0]) =>
    isTrustedSender(event, () => win.current()?.webContents ?? null);
  const desktopHandlers = createDesktopHandlers({
    // The window is a real BrowserWindow in main.ts; typed here by the few methods we use.
    pickScript: (defaultPath) => pickScript(deps.dialog, win.current() as unknown as BaseWindow | null, defaultPath),
    reveal: (target) => reveal(deps.shell, revealPath(target, dataDir, running.config.current(), deps.exists)),
    launchAtLogin: deps.launchAtLogin,
    onLaunchAtLoginChanged: () => tray.refreshMenu(),
    // Keychain only once the engine is seen encoding or decoding through it: never claim more than is done.
    secrets: () => secretsStatus(tracked.used() ? codec.mode : 'plain-file'),
    prefs,
    config: () => running.config.current(),
  });
  registerIpcHandlers(deps.ipcMain, running.handlers, desktopHandlers, { isTrusted: trusted, logger });
  forwarder = createPushForwarder(running.bus, () => win.current()?.webContents ?? null);
  listenForReady(deps.ipcMain, forwarder, trusted);

  const onEvent = (e: EventSummary) => tray.noteEvent(e);
  running.bus.on('event.created', (e) => {
    onEvent(e);
    notifier.onEventCreated(e);
  });
  running.bus.on('event.updated', onEvent);
  running.bus.on('run.updated', (r) => notifier.onRunUpdated(r));
  running.bus.on('delivery.updated', (d) => notifier.onDeliveryUpdated(d));
  running.bus.on('notify', (p) => notifier.onNotify(p));
  running.bus.on('status.changed', (s: Status) => tray.setStatus(s));
  for (const name of ['tunnel.changed', 'automations.paused', 'config.changed'] as const) {
    running.bus.on(name, () => void refreshStatus());
  }
  // A tunnel set up (or removed) changes the keep-awake default.
  running.bus.on('config.changed', () => {
    keepAwake?.sync();
    tray.refreshMenu();
  });

  await refreshStatus();
  const recent = await running.handlers.listEvents({ limit: 5 }).catch(() => ({ items: [] as EventSummary[] }));
  for (const e of [...recent.items].reverse()) tray.noteEvent(e);

  deps.setApplicationMenu(
    deps.buildMenu(
      appMenuTemplate(
        deps.platform,
        {
          openSettings: () => open({ view: 'settings' }),
          revealDataDir: () => void reveal(deps.shell, { kind: 'folder', path: dataDir }).catch(() => undefined),
        },
        { devTools: deps.devTools },
      ),
    ),
  );
  if (!deps.startHidden) win.show();
  logger.info('desktop app ready', { dataDir, secrets: codec.mode });
  return { engine: running, showWindow: () => void win.show(), open };
}

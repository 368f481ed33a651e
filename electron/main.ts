// Electron entry. Only wiring: it hands the real Electron objects to
// electron/shell/desktop-app.ts, which does the work (and is tested with fakes).
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerSaveBlocker,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  type NativeImage,
} from 'electron';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from './engine/engine';
import { systemClock } from './engine/util/clock';
import { createLogger } from './engine/util/logger';
import { startDesktopApp, type DesktopApp } from './shell/desktop-app';
import { quitOnSignals } from './shell/lifecycle';
import { createLaunchAtLogin, HIDDEN_ARG } from './shell/native';

// The data folder is the one `hookdock serve` uses by default (~/.config/Hookdock,
// ~/Library/Application Support/Hookdock, %APPDATA%\Hookdock): set the name before anything reads it.
app.setName('Hookdock');
if (process.env.HOOKDOCK_DATA_DIR) app.setPath('userData', path.resolve(process.env.HOOKDOCK_DATA_DIR));
if (process.platform === 'win32') app.setAppUserModelId('app.hookdock.desktop');

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/electron, inside app.asar when packaged
const appRoot = app.getAppPath();
const logger = createLogger('hookdock');

const launchAtLogin = createLaunchAtLogin({
  platform: process.platform,
  app,
  execPath: process.execPath,
  env: process.env,
  homeDir: os.homedir(),
  fs: {
    exists: existsSync,
    writeFile: (file, text) => writeFile(file, text, { mode: 0o644 }),
    remove: (file) => rm(file, { force: true }),
    mkdir: async (dir) => void (await mkdir(dir, { recursive: true })),
  },
});

function receiverPort(value: string | undefined): { port?: number } {
  const port = Number(value);
  return value && Number.isInteger(port) && port >= 0 && port < 65536 ? { port } : {};
}

let desktop: DesktopApp | null = null;
quitOnSignals(process, app);
app.on('activate', () => desktop?.showWindow()); // macOS: click on the dock icon

startDesktopApp({
  app,
  ipcMain,
  protocol,
  session: () => session.defaultSession,
  shell,
  dialog,
  clipboard,
  safeStorage,
  createWindow: (options) => new BrowserWindow(options),
  createTray: (image) => new Tray(image as NativeImage),
  buildMenu: (template) => Menu.buildFromTemplate(template),
  setApplicationMenu: (menu) => Menu.setApplicationMenu(menu as Menu),
  image: (file) => nativeImage.createFromPath(file),
  notification: {
    isSupported: () => Notification.isSupported(),
    create: (content) => new Notification({ ...content, silent: false }),
  },
  launchAtLogin,
  powerSaveBlocker,
  powerMonitor,
  // HOOKDOCK_PORT as for `hookdock serve` (default 8787, the port a tunnel forwards).
  createEngine: (options) => createEngine({ ...options, ...receiverPort(process.env.HOOKDOCK_PORT) }),
  readFile: (file) => readFile(file),
  exists: existsSync,
  platform: process.platform,
  paths: {
    preload: path.join(here, 'preload.cjs'),
    renderer: path.join(here, '..', 'renderer'),
    trayIcons: path.join(appRoot, 'electron', 'shell', 'assets', 'tray'),
    appIcon: path.join(appRoot, 'electron', 'shell', 'assets', 'app-icon.png'),
  },
  logger,
  clock: systemClock,
  startHidden:
    process.argv.includes(HIDDEN_ARG) ||
    (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true),
  devTools: !app.isPackaged,
}).then(
  (started) => (desktop = started),
  (err) => {
    logger.error('Hookdock could not start', { error: err });
    dialog.showErrorBox('Hookdock could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  },
);

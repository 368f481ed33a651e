// electron/main.ts as built (ESM bundle, 'electron' external), run by plain
// Node with a module hook that answers `import ... from 'electron'` with fakes.
// Proves the real entry wires what the unit tests cover piecemeal: the paths
// it computes exist (preload, renderer, tray icons), the window loads
// app://hookdock/, every IPC channel is registered, and quitting drains the
// real engine before the process exits 0.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../shared/api';
import { buildShellBundles } from '../helpers/build-shell';

const repo = path.resolve(__dirname, '..', '..');

// The fake 'electron': records what main does, checks it once ready, then quits.
const FAKE_ELECTRON = String.raw`
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
const report = { handles: [], windows: [], trays: [], privileged: [], errors: [] };
const listeners = new EventEmitter();
let userData = null;
let handler = null;
export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  setName() {}, setAppUserModelId() {},
  setPath(name, p) { if (name === 'userData') userData = p; },
  getPath(name) { return name === 'userData' ? userData : '/tmp'; },
  getAppPath() { return process.env.SMOKE_APP_ROOT; },
  getVersion() { return '0.0.0-smoke'; },
  getLoginItemSettings() { return { openAtLogin: false }; },
  setLoginItemSettings() {},
  requestSingleInstanceLock() { return true; },
  whenReady() { return Promise.resolve(); },
  quit() {
    let prevented = false;
    app.emit('before-quit', { preventDefault() { prevented = true; } });
    if (!prevented) app.exit(0);
  },
  exit(code) {
    report.exitCode = code;
    process.stdout.write('SMOKE-EXIT ' + JSON.stringify(report) + '\n');
    process.exit(code);
  },
});
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = Object.assign(new EventEmitter(), { id: 1, send() {}, isDestroyed: () => false });
    report.windows.push({ webPreferences: options.webPreferences, preloadExists: existsSync(options.webPreferences.preload), urls: [] });
    this.rec = report.windows.at(-1);
  }
  loadURL(url) { this.rec.urls.push(url); return Promise.resolve(); }
  show() {} hide() {} focus() {} restore() {}
  isMinimized() { return false; } isDestroyed() { return false; } isVisible() { return true; }
}
export class Tray { constructor(image) { report.trays.push(image.path); this.on = () => {}; } setImage(i) { report.trays.push(i.path); } setToolTip() {} setContextMenu() {} destroy() {} }
export const nativeImage = { createFromPath: (p) => ({ path: p, exists: existsSync(p) }) };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu() {} };
export class Notification { static isSupported() { return false; } on() {} show() {} }
export const ipcMain = { handle(c) { report.handles.push(c); }, removeHandler() {}, on(c, f) { listeners.on(c, f); }, removeListener() {} };
export const protocol = {
  registerSchemesAsPrivileged(s) { report.privileged.push(...s); },
  handle(scheme, fn) { handler = fn; },
};
export const session = { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} } };
export const shell = { openExternal: async () => {}, openPath: async () => '', showItemInFolder() {} };
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showErrorBox(t, m) { report.errors.push(t + ': ' + m); } };
export const clipboard = { writeText() {} };
export const safeStorage = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '', getSelectedStorageBackend: () => 'basic_text' };
export const powerSaveBlocker = { start: () => 1, stop() {}, isStarted: () => false };
export const powerMonitor = { on() {}, removeListener() {} };

// Once main has wired everything: look at it, then quit like the tray's Quit does.
const started = Date.now();
const poll = setInterval(async () => {
  if (report.handles.length === 0 && Date.now() - started < 15000) return;
  clearInterval(poll);
  const page = handler ? await handler(new Request('app://hookdock/index.html')) : null;
  report.page = page ? { status: page.status, csp: page.headers.get('content-security-policy'), body: await page.text() } : null;
  report.trayIconsExist = report.trays.every((p) => existsSync(p));
  app.quit();
}, 50);
`;

const HOOKS = String.raw`
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: process.env.SMOKE_FAKE_ELECTRON_URL, shortCircuit: true };
  return next(specifier, context);
}
`;

describe('electron/main.ts, built, with a fake electron module', () => {
  let work: string;
  beforeAll(async () => {
    await mkdir(path.join(repo, 'test-artifacts'), { recursive: true });
    work = await mkdtemp(path.join(repo, 'test-artifacts', 'main-smoke-'));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  it('boots the engine, window, tray and IPC, and exits 0 after draining on quit', async () => {
    await buildShellBundles(work);
    await mkdir(path.join(work, 'dist/renderer'), { recursive: true });
    await writeFile(path.join(work, 'dist/renderer/index.html'), '<!doctype html><div id="root">smoke</div>');
    await writeFile(path.join(work, 'fake-electron.mjs'), FAKE_ELECTRON);
    await writeFile(path.join(work, 'hooks.mjs'), HOOKS);
    await writeFile(
      path.join(work, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );

    const dataDir = path.join(work, 'data');
    const child = spawn(
      process.execPath,
      ['--import', path.join(work, 'register.mjs'), path.join(work, 'dist/electron/main.js')],
      {
        cwd: work,
        env: {
          ...process.env,
          SMOKE_FAKE_ELECTRON_URL: 'file://' + path.join(work, 'fake-electron.mjs'),
          SMOKE_APP_ROOT: repo,
          HOOKDOCK_DATA_DIR: dataDir,
          HOOKDOCK_PORT: '0',
          HOOKDOCK_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const line = out.split('\n').find((l) => l.startsWith('SMOKE-EXIT '));
    expect(line, out).toBeDefined();
    const report = JSON.parse(line!.slice('SMOKE-EXIT '.length));
    expect(code, out).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.privileged[0]).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true } });
    expect(report.windows).toHaveLength(1);
    expect(report.windows[0]).toMatchObject({
      preloadExists: true,
      urls: ['app://hookdock/index.html'],
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false },
    });
    expect(report.page).toMatchObject({ status: 200, body: expect.stringContaining('smoke') });
    expect(report.page.csp).not.toContain('unsafe-inline');
    expect(report.trays.length).toBeGreaterThan(0);
    expect(report.trayIconsExist).toBe(true);
    const channels = new Set(report.handles as string[]);
    for (const m of API_METHODS) expect(channels.has(`hookdock:api:${m}`), m).toBe(true);
    expect(channels.has('hookdock:desktop:pickScript')).toBe(true);
    // The engine ran in HOOKDOCK_DATA_DIR (app.getPath('userData')).
    expect(existsSync(path.join(dataDir, 'config.json'))).toBe(true);
  }, 60_000);
});

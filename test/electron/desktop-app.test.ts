// The desktop host's wiring, end to end in the main process: fakes for every
// Electron object, the REAL engine (port 0, temp data dir). Single instance,
// IPC through the guard, push events, tray, close-to-tray, and quit draining
// the engine so no acknowledged event is lost.
import { LAUNCHER_MARK } from '../../electron/engine/actions/script/launcher/helper-source';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC, type IpcResult } from '../../shared/desktop';
import type { Status } from '../../shared/types';
import { createEngine } from '../../electron/engine/engine';
import type { Engine, EngineOptions } from '../../electron/engine/types';
import { systemClock } from '../../electron/engine/util/clock';
import { memoryLogger } from '../../electron/engine/util/logger';
import { startDesktopApp, type DesktopDeps } from '../../electron/shell/desktop-app';
import { APP_ENTRY } from '../../electron/shell/security';
import { makeTempDir, removeDir, waitFor } from '../helpers/tmp';

type Invoke = (event: unknown, args?: unknown) => Promise<IpcResult<unknown>>;

class FakeApp extends EventEmitter {
  exits: number[] = [];
  quits = 0;
  constructor(
    private userData: string,
    private lock = true,
  ) {
    super();
  }
  requestSingleInstanceLock = () => this.lock;
  whenReady = async () => undefined;
  getPath = () => this.userData;
  getVersion = () => '0.1.0-test';
  isPackaged = false;
  /** Like Electron: before-quit first; quitting only if nobody prevented it. */
  quit = () => {
    this.quits++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exits.push(0);
  };
  exit = (code = 0) => void this.exits.push(code);
}

function fakeWindow() {
  const win = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const contents = Object.assign(new EventEmitter(), {
    id: 41,
    sent: [] as unknown[][],
    send: (...a: unknown[]) => void contents.sent.push(a),
    isDestroyed: () => false,
  });
  const state = { visible: false, loaded: [] as string[], shows: 0 };
  Object.assign(win, {
    state,
    webContents: contents,
    loadURL: async (url: string) => void state.loaded.push(url),
    show: () => ((state.visible = true), state.shows++),
    hide: () => (state.visible = false),
    focus: () => undefined,
    isMinimized: () => false,
    restore: () => undefined,
    isDestroyed: () => false,
    isVisible: () => state.visible,
  });
  return win as unknown as EventEmitter & { state: typeof state; webContents: typeof contents };
}

let dir: string;
let engines: Engine[];

beforeEach(async () => {
  dir = await makeTempDir('hookdock-desktop-');
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({ sources: [{ id: 'open', provider: 'none' }], tunnel: { provider: 'none' } }),
  );
  engines = [];
});
afterEach(async () => {
  for (const e of engines) await e.stop().catch(() => undefined);
  await removeDir(dir);
});

function setup(opts: { lock?: boolean } = {}) {
  const app = new FakeApp(dir, opts.lock ?? true);
  const handlers = new Map<string, Invoke>();
  const listeners = new Map<string, (event: unknown) => void>();
  const windows: ReturnType<typeof fakeWindow>[] = [];
  const trays: { images: unknown[]; menus: unknown[]; tooltips: string[] }[] = [];
  const notifications: { title: string; body: string }[] = [];
  const protocolHandlers = new Map<string, (r: Request) => Promise<Response>>();
  const privileged: unknown[] = [];
  const logger = memoryLogger();
  let engineOptions: EngineOptions | null = null;
  const deps: DesktopDeps = {
    app: app as never,
    ipcMain: {
      handle: (c: string, fn: Invoke) => void handlers.set(c, fn),
      removeHandler: (c: string) => void handlers.delete(c),
      on: (c: string, fn: (e: unknown) => void) => void listeners.set(c, fn),
      removeListener: (c: string) => void listeners.delete(c),
    } as never,
    protocol: {
      registerSchemesAsPrivileged: (s: unknown) => void privileged.push(s),
      handle: (scheme: string, fn: (r: Request) => Promise<Response>) => void protocolHandlers.set(scheme, fn),
    } as never,
    session: () =>
      ({
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
      }) as never,
    shell: { openExternal: async () => undefined, openPath: async () => '', showItemInFolder: () => undefined },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showErrorBox: () => undefined } as never,
    clipboard: { writeText: () => undefined },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    createWindow: (options) => {
      expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      const w = fakeWindow();
      windows.push(w);
      return w as never;
    },
    createTray: (image) => {
      const t = { images: [image], menus: [] as unknown[], tooltips: [] as string[] };
      trays.push(t);
      return {
        setImage: (i: unknown) => void t.images.push(i),
        setToolTip: (s: string) => void t.tooltips.push(s),
        setContextMenu: (m: unknown) => void t.menus.push(m),
        on: () => undefined,
        destroy: () => undefined,
      };
    },
    buildMenu: (template) => template,
    setApplicationMenu: () => undefined,
    image: (file) => path.basename(file),
    notification: {
      isSupported: () => true,
      create: (content) => ({ on: () => undefined, show: () => void notifications.push(content) }),
    },
    launchAtLogin: {
      get: () => ({ enabled: false, supported: true }),
      set: async (enabled) => ({ enabled, supported: true }),
    },
    createEngine: (options) => {
      engineOptions = options;
      const e = createEngine({ ...options, port: 0, tunnel: 'none' });
      engines.push(e);
      return e;
    },
    readFile: (f) => readFile(f),
    exists: existsSync,
    platform: 'linux',
    paths: { preload: '/app/dist/electron/preload.cjs', renderer: path.join(dir, 'renderer'), trayIcons: '/icons' },
    logger,
    clock: systemClock,
    startHidden: false,
    devTools: false,
  };
  const trusted = () => ({
    senderFrame: { url: 'app://hookdock/index.html', parent: null },
    sender: { id: windows[0]?.webContents.id },
  });
  const call = async (method: string, args: unknown = {}) => {
    const res = await handlers.get(IPC.api(method))!(trusted(), args);
    if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
    return res.value;
  };
  return {
    app,
    deps,
    handlers,
    listeners,
    windows,
    trays,
    notifications,
    protocolHandlers,
    privileged,
    logger,
    trusted,
    call,
    engineOptions: () => engineOptions,
  };
}

async function postHook(engine: Engine, body: unknown) {
  const res = await fetch(`${engine.receiverUrl()}/hooks/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string };
}

describe('desktop app wiring', () => {
  it('a second launch quits at once and never boots an engine', async () => {
    const t = setup({ lock: false });
    expect(await startDesktopApp(t.deps)).toBeNull();
    expect(t.app.quits).toBe(1);
    expect(t.engineOptions()).toBeNull();
    expect(t.windows).toHaveLength(0);
  });

  it('boots the engine in the data dir, serves the window from app://, bridges IPC and push events', async () => {
    const t = setup();
    await mkdir(path.join(dir, 'renderer'));
    await writeFile(path.join(dir, 'renderer', 'index.html'), '<div id="root"></div>');
    const desktop = (await startDesktopApp(t.deps))!;
    expect(desktop).not.toBeNull();
    expect(t.engineOptions()).toMatchObject({ dataDir: dir, version: '0.1.0-test' });
    expect(t.engineOptions()!.secretCodec!.mode).toBe('plain-file');
    expect(t.privileged).toHaveLength(1);
    const page = await t.protocolHandlers.get('app')!(new Request(APP_ENTRY));
    expect(await page.text()).toContain('root');

    expect(t.windows).toHaveLength(1);
    const win = t.windows[0];
    expect(win.state.loaded).toEqual([APP_ENTRY]);
    win.emit('ready-to-show');
    expect(win.state.visible).toBe(true);

    // The API over IPC, through the guard.
    const status = (await t.call('getStatus')) as Status;
    expect(status.dataDir).toBe(dir);
    const foreign = await t.handlers.get(IPC.api('getStatus'))!(
      { senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 41 } },
      {},
    );
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const invalid = await t.handlers.get(IPC.api('listEvents'))!(t.trusted(), { limit: 100000 });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const storage = await t.handlers.get(IPC.desktop('getSecretsStorage'))!(t.trusted(), {});
    expect(storage).toMatchObject({ ok: true, value: { mode: 'plain-file' } });

    // Push events queue until the renderer is ready, then flow.
    const { id } = await postHook(desktop.engine, { hello: 'queued' });
    await waitFor(
      () => t.trays[0].menus.length > 0 && JSON.stringify(t.trays[0].menus.at(-1)).includes(`event:${id}`),
      5000,
      'tray recent event',
    );
    expect(win.webContents.sent).toHaveLength(0);
    t.listeners.get(IPC.ready)!(t.trusted());
    await waitFor(
      () =>
        win.webContents.sent.some(
          (m) => m[0] === IPC.push && m[1] === 'event.created' && (m[2] as { id: string }).id === id,
        ),
      2000,
      'queued push',
    );
    const live = await postHook(desktop.engine, { hello: 'live' });
    await waitFor(
      () => win.webContents.sent.some((m) => m[1] === 'event.created' && (m[2] as { id: string }).id === live.id),
      2000,
      'live push',
    );

    // The engine's script launcher (this binary run as Node) is not a launch: the window stays hidden.
    win.state.visible = false;
    t.app.emit('second-instance', {}, ['/opt/Hookdock/hookdock', '-e', '...', LAUNCHER_MARK], '/');
    expect(win.state.visible).toBe(false);
    // A second launch shows the existing window.
    t.app.emit('second-instance', {}, ['/opt/Hookdock/hookdock'], '/');
    expect(win.state.visible).toBe(true);

    // Pause from the tray menu: the engine pauses, the icon says so.
    const menu = t.trays[0].menus.at(-1) as { id?: string; click?: () => void }[];
    menu.find((i) => i.id === 'pause')!.click!();
    await waitFor(() => t.trays[0].images.at(-1) === 'tray-paused-32.png', 3000, 'paused icon');
    expect(((await t.call('getStatus')) as Status).automationsPaused).toBe(true);
  });

  it('closing the window hides it to the tray, with a one-time notice', async () => {
    const t = setup();
    await startDesktopApp(t.deps);
    const win = t.windows[0];
    for (let i = 0; i < 2; i++) {
      let prevented = false;
      win.state.visible = true;
      win.emit('close', { preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
      expect(win.state.visible).toBe(false);
    }
    expect(t.notifications.map((n) => n.title)).toEqual(['Hookdock is still running']);
    await waitFor(
      async () => JSON.parse(await readFile(path.join(dir, 'desktop.json'), 'utf8')).closeNoticeShown === true,
      2000,
      'notice remembered',
    );
  });

  it('keep-awake: on by default with a tunnel configured, in the tray menu and Settings, off when unticked', async () => {
    await writeFile(
      path.join(dir, 'config.json'),
      JSON.stringify({ sources: [], tunnel: { provider: 'ngrok', authtoken: 'tok_for_test_123456', domain: null } }),
    );
    const t = setup();
    const blocker = { started: [] as string[], stopped: [] as number[], live: new Set<number>() };
    t.deps.powerSaveBlocker = {
      start: (type) => {
        blocker.started.push(type);
        blocker.live.add(blocker.started.length);
        return blocker.started.length;
      },
      stop: (id) => void (blocker.stopped.push(id), blocker.live.delete(id)),
      isStarted: (id) => blocker.live.has(id),
    };
    await startDesktopApp(t.deps);
    expect(blocker.started).toEqual(['prevent-app-suspension']);
    type Item = { id?: string; checked?: boolean; click?: () => void };
    const item = () => (t.trays[0]!.menus.at(-1) as Item[]).find((i) => i.id === 'keep-awake')!;
    expect(item().checked).toBe(true);
    const prefs = await t.handlers.get(IPC.desktop('getPreferences'))!(t.trusted(), {});
    expect(prefs).toMatchObject({ ok: true, value: { keepAwake: true } });

    item().click!(); // the tray checkbox
    await waitFor(() => blocker.stopped.length === 1, 5000, 'the blocker stopped');
    expect(blocker.live.size).toBe(0);
    expect(item().checked).toBe(false);
    // Settings turns it back on, over IPC.
    const on = await t.handlers.get(IPC.desktop('setPreferences'))!(t.trusted(), { keepAwake: true });
    expect(on).toMatchObject({ ok: true, value: { keepAwake: true } });
    expect(blocker.started).toHaveLength(2);
    expect(item().checked).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, 'desktop.json'), 'utf8')).keepAwake).toBe(true);
  });

  it('subscribes to powerMonitor resume and unlock-screen (shell/wake.ts; behaviour in wake.test.ts)', async () => {
    const t = setup();
    const power = new EventEmitter();
    t.deps.powerMonitor = power as never;
    await startDesktopApp(t.deps);
    expect(power.listenerCount('resume')).toBe(1);
    expect(power.listenerCount('unlock-screen')).toBe(1);
  });

  it('quit drains the engine before exiting: every acknowledged event survives', async () => {
    const t = setup();
    const desktop = (await startDesktopApp(t.deps))!;
    const acked = await Promise.all(Array.from({ length: 40 }, (_, i) => postHook(desktop.engine, { n: i })));
    // Quit while more requests are in flight: those that got a 200 must survive too.
    const inflight = Array.from({ length: 20 }, (_, i) =>
      fetch(`${desktop.engine.receiverUrl()}/hooks/open`, {
        method: 'POST',
        body: JSON.stringify({ late: i }),
        headers: { 'content-type': 'application/json' },
      })
        .then(async (r) => (r.status === 200 ? ((await r.json()) as { id: string }).id : null))
        .catch(() => null),
    );
    t.app.quit();
    expect(t.app.exits).toEqual([]); // held until the engine has stopped
    await waitFor(() => t.app.exits.length > 0, 10_000, 'exit after drain');
    expect(t.app.exits).toEqual([0]);
    // Quitting: the window's close is no longer turned into a hide.
    let prevented = false;
    t.windows[0].emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
    // Once drained, a quit goes straight through: no second drain, no prevented exit.
    t.app.quit();
    expect(t.app.exits).toEqual([0, 0]);

    const lateIds = (await Promise.all(inflight)).filter((x): x is string => !!x);
    const reopened = createEngine({ dataDir: dir, port: 0, tunnel: 'none', logger: memoryLogger() });
    engines.push(reopened);
    await reopened.start();
    const page = await reopened.handlers.listEvents({ limit: 500 });
    const stored = new Set(page.items.map((e) => e.id));
    for (const { id } of acked) expect(stored.has(id), id).toBe(true);
    for (const id of lateIds) expect(stored.has(id), id).toBe(true);
  });
});

// Native touches: reveal targets, the script picker, launch at login (real
// files for the Linux autostart entry, a fake app for macOS/Windows), app menu.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../shared/config';
import { appMenuTemplate } from '../../electron/shell/app-menu';
import {
  createLaunchAtLogin,
  HIDDEN_ARG,
  linuxAutostartEntry,
  pickScript,
  reveal,
  revealPath,
} from '../../electron/shell/native';

const config = configSchema.parse({
  automations: [
    { id: 'refund', events: ['refund.*'], run: { command: '/home/me/agents/refund.sh' } },
    { id: 'py', events: ['*'], run: { command: 'python3', args: ['x.py'] } },
    { id: 'rel', events: ['*'], run: { command: './agents/run.sh', cwd: '/home/me' } },
  ],
});

describe('reveal in folder', () => {
  it('shows the data dir or a configured script, never an arbitrary path', () => {
    const exists = (f: string) =>
      f === '/home/me/agents/refund.sh' || f === path.resolve('/home/me', './agents/run.sh');
    expect(revealPath({ target: 'dataDir' }, '/data', config, exists)).toEqual({ kind: 'folder', path: '/data' });
    expect(revealPath({ target: 'script', automationId: 'refund' }, '/data', config, exists)).toEqual({
      kind: 'file',
      path: '/home/me/agents/refund.sh',
    });
    expect(revealPath({ target: 'script', automationId: 'rel' }, '/data', config, exists).path).toBe(
      path.resolve('/home/me', './agents/run.sh'),
    );
    expect(() => revealPath({ target: 'script', automationId: 'py' }, '/data', config, exists)).toThrow(
      /found on your PATH/,
    );
    expect(() => revealPath({ target: 'script', automationId: 'nope' }, '/data', config, exists)).toThrow(
      /was not found/,
    );
    expect(() => revealPath({ target: 'script', automationId: 'refund' }, '/data', config, () => false)).toThrow(
      /does not exist/,
    );
  });

  it('opens folders and highlights files through the shell', async () => {
    const calls: string[] = [];
    const shell = {
      openPath: async (p: string) => (calls.push(`open:${p}`), ''),
      showItemInFolder: (p: string) => void calls.push(`show:${p}`),
    };
    await reveal(shell, { kind: 'folder', path: '/data' });
    await reveal(shell, { kind: 'file', path: '/a/b.sh' });
    expect(calls).toEqual(['open:/data', 'show:/a/b.sh']);
    await expect(
      reveal({ ...shell, openPath: async () => 'No such folder' }, { kind: 'folder', path: '/x' }),
    ).rejects.toThrow(/No such folder/);
  });
});

describe('script picker', () => {
  it('returns the chosen file, or null when cancelled', async () => {
    const seen: unknown[] = [];
    const dialog = {
      showOpenDialog: async (...args: unknown[]) => {
        seen.push(args);
        return { canceled: false, filePaths: ['/home/me/agents/new.sh'] };
      },
    };
    expect(await pickScript(dialog as never, null, '/home/me')).toEqual({ path: '/home/me/agents/new.sh' });
    expect((seen[0] as [{ properties: string[]; defaultPath: string }])[0]).toMatchObject({
      properties: ['openFile', 'dontAddToRecent'],
      defaultPath: '/home/me',
    });
    const cancel = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) };
    expect(await pickScript(cancel as never, null)).toEqual({ path: null });
  });
});

describe('launch at login', () => {
  let home: string | null = null;
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true });
    home = null;
  });
  const fsDeps = {
    exists: (f: string) => existsSync(f),
    writeFile: (f: string, t: string) => writeFile(f, t),
    remove: (f: string) => rm(f, { force: true }),
    mkdir: async (d: string) => void (await mkdir(d, { recursive: true })),
  };

  it('writes and removes an XDG autostart entry on Linux', async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'hookdock-home-'));
    const app = { isPackaged: true, getAppPath: () => '/opt/Hookdock/resources/app.asar' } as never;
    const login = createLaunchAtLogin({
      platform: 'linux',
      app,
      execPath: '/opt/Hookdock/hookdock',
      env: { APPIMAGE: '/home/me/Apps/Hookdock 1.0.AppImage' },
      homeDir: home,
      fs: fsDeps,
    });
    expect(login.get()).toEqual({ enabled: false, supported: true });
    expect(await login.set(true)).toEqual({ enabled: true, supported: true });
    const entry = await readFile(path.join(home, '.config', 'autostart', 'hookdock.desktop'), 'utf8');
    expect(entry).toContain('Exec="/home/me/Apps/Hookdock 1.0.AppImage" --hidden\n');
    expect(await login.set(false)).toEqual({ enabled: false, supported: true });
    expect(existsSync(path.join(home, '.config', 'autostart', 'hookdock.desktop'))).toBe(false);
  });

  it('uses the OS login items on macOS and Windows', async () => {
    let settings: Record<string, unknown> = { openAtLogin: false };
    const app = {
      isPackaged: true,
      getAppPath: () => 'C:/app',
      getLoginItemSettings: () => settings,
      setLoginItemSettings: (s: Record<string, unknown>) => (settings = s),
    } as never;
    const login = createLaunchAtLogin({
      platform: 'win32',
      app,
      execPath: 'C:/Hookdock/Hookdock.exe',
      env: {},
      homeDir: 'C:/Users/me',
      fs: fsDeps,
    });
    expect(login.get().enabled).toBe(false);
    expect((await login.set(true)).enabled).toBe(true);
    expect(settings).toEqual({ openAtLogin: true, path: 'C:/Hookdock/Hookdock.exe', args: [HIDDEN_ARG] });
  });

  it('quotes Exec arguments per the desktop entry spec', () => {
    expect(linuxAutostartEntry(['/usr/bin/electron', '/home/me/my app', '--hidden'])).toContain(
      'Exec=/usr/bin/electron "/home/me/my app" --hidden',
    );
    expect(linuxAutostartEntry(['/x/$HOME"`'])).toContain('Exec="/x/\\$HOME\\"\\`"');
  });
});

describe('application menu', () => {
  it('has the standard roles (copy/paste, zoom, window) and no dev tools in a release', () => {
    const roles = (platform: NodeJS.Platform, devTools: boolean) =>
      JSON.stringify(
        appMenuTemplate(platform, { openSettings: () => undefined, revealDataDir: () => undefined }, { devTools }),
      );
    expect(roles('linux', false)).toContain('"role":"editMenu"');
    expect(roles('linux', false)).toContain('"role":"windowMenu"');
    expect(roles('linux', false)).toContain('"role":"quit"');
    expect(roles('linux', false)).not.toContain('toggleDevTools');
    expect(roles('linux', true)).toContain('toggleDevTools');
    expect(roles('darwin', false)).toContain('"role":"hideOthers"');
    expect(roles('darwin', false)).toContain('"accelerator":"CmdOrCtrl+,"');
  });
});

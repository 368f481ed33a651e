// Native touches: the script file picker, "Reveal in folder", Launch at login.
// Each takes the Electron objects it needs as parameters.
import path from 'node:path';
import type { App, BaseWindow, Dialog, Shell } from 'electron';
import type { Config } from '../../shared/config';
import type { RevealTarget } from '../../shared/desktop';
import { STARTER_DIR } from '../engine/actions/script/starters';
import { badRequest, notFound } from '../engine/util/errors';

export async function pickScript(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  parent: BaseWindow | null,
  defaultPath?: string | null,
): Promise<{ path: string | null }> {
  const options = {
    title: 'Choose the script Hookdock should run',
    buttonLabel: 'Use this script',
    properties: ['openFile' as const, 'dontAddToRecent' as const],
    ...(defaultPath ? { defaultPath } : {}),
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
}

/**
 * The file "Reveal in folder" shows. The renderer names a target, never a
 * path, so a compromised page cannot make us open arbitrary locations.
 */
export function revealPath(
  target: RevealTarget,
  dataDir: string,
  config: Config,
  exists: (file: string) => boolean,
): { kind: 'folder' | 'file'; path: string } {
  if (target.target === 'dataDir') return { kind: 'folder', path: dataDir };
  if (target.target === 'scripts') return { kind: 'folder', path: path.join(dataDir, STARTER_DIR) };
  const automation = config.automations.find((a) => a.id === target.automationId);
  if (!automation) throw notFound('That automation');
  if (automation.action.kind !== 'script') throw badRequest('Only a script automation has a file to show.');
  const { command, cwd } = automation.action;
  const candidate = path.isAbsolute(command)
    ? command
    : cwd && /[\\/]/.test(command)
      ? path.resolve(cwd, command)
      : null;
  if (!candidate) {
    throw badRequest(`"${command}" is a program found on your PATH, not a file Hookdock can show.`);
  }
  if (!exists(candidate)) throw badRequest(`The script ${candidate} does not exist any more.`);
  return { kind: 'file', path: candidate };
}

export async function reveal(
  shell: Pick<Shell, 'openPath' | 'showItemInFolder'>,
  where: { kind: 'folder' | 'file'; path: string },
) {
  if (where.kind === 'file') {
    shell.showItemInFolder(where.path);
    return { ok: true as const };
  }
  const error = await shell.openPath(where.path);
  if (error) throw badRequest(`The folder could not be opened: ${error}`);
  return { ok: true as const };
}

/** A freedesktop autostart entry (~/.config/autostart/hookdock.desktop). Exec arguments quoted per the spec. */
export function linuxAutostartEntry(command: string[]): string {
  const quote = (arg: string) => (/[\s"`$\\]/.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Hookdock',
    'Comment=Receive webhooks and run your agent scripts',
    `Exec=${command.map(quote).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The argument the OS passes when it starts Hookdock at login. */
export const HIDDEN_ARG = '--hidden';

export interface LaunchAtLoginDeps {
  platform: NodeJS.Platform;
  app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings' | 'isPackaged' | 'getAppPath'>;
  execPath: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  fs: {
    exists(file: string): boolean;
    writeFile(file: string, text: string): Promise<void>;
    remove(file: string): Promise<void>;
    mkdir(dir: string): Promise<void>;
  };
}

export interface LaunchAtLogin {
  get(): { enabled: boolean; supported: boolean };
  set(enabled: boolean): Promise<{ enabled: boolean; supported: boolean }>;
}

/** macOS and Windows: the OS login items. Linux: an XDG autostart file (Electron has no API there). */
export function createLaunchAtLogin(deps: LaunchAtLoginDeps): LaunchAtLogin {
  const { platform, app, fs } = deps;
  // An AppImage moves its mount point on every launch: autostart the .AppImage file itself.
  // --hidden: started by the OS, so stay in the tray instead of opening the window.
  const launch = deps.env.APPIMAGE
    ? [deps.env.APPIMAGE]
    : app.isPackaged
      ? [deps.execPath]
      : [deps.execPath, app.getAppPath()];
  const command = [...launch, HIDDEN_ARG];
  const desktopFile = path.join(
    deps.env.XDG_CONFIG_HOME || path.join(deps.homeDir, '.config'),
    'autostart',
    'hookdock.desktop',
  );
  const supported = platform === 'darwin' || platform === 'win32' || platform === 'linux';
  const get = () => {
    if (platform === 'linux') return { enabled: fs.exists(desktopFile), supported };
    if (!supported) return { enabled: false, supported };
    return { enabled: app.getLoginItemSettings().openAtLogin, supported };
  };
  return {
    get,
    async set(enabled) {
      if (platform === 'linux') {
        if (enabled) {
          await fs.mkdir(path.dirname(desktopFile));
          await fs.writeFile(desktopFile, linuxAutostartEntry(command));
        } else {
          await fs.remove(desktopFile);
        }
      } else if (supported) {
        app.setLoginItemSettings(
          // macOS ignores args (main.ts asks wasOpenedAtLogin instead); Windows passes them.
          { openAtLogin: enabled, path: deps.execPath, args: command.slice(1) },
        );
      }
      return get();
    },
  };
}

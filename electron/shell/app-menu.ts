// The application menu: standard roles, so copy/paste, undo, zoom, full screen
// and window shortcuts work as on every other app of the OS. Pure template.
import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  openSettings(): void;
  revealDataDir(): void;
}

export function appMenuTemplate(
  platform: NodeJS.Platform,
  actions: AppMenuActions,
  opts: { devTools: boolean },
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const settings: MenuItemConstructorOptions = {
    label: isMac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.openSettings(),
  };
  const reveal: MenuItemConstructorOptions = { label: 'Show Data Folder', click: () => actions.revealDataDir() };
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: 'Hookdock',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        settings,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: 'File',
    submenu: isMac
      ? [reveal, { type: 'separator' }, { role: 'close' }]
      : [settings, reveal, { type: 'separator' }, { role: 'quit' }],
  });
  template.push({ role: 'editMenu' });
  template.push({
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(opts.devTools ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({ role: 'windowMenu' });
  if (!isMac) template.push({ role: 'help', submenu: [{ role: 'about' }] });
  return template;
}

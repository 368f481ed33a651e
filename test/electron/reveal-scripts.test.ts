// "Open folder" for the "Run my own script" recipe: the desktop bridge accepts
// {target: "scripts"} (and nothing looser) and opens DATA_DIR/scripts, where the engine
// wrote the starter script, through the (injected) Electron shell.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeStarterScript } from '../../electron/engine/actions/script/starters';
import { desktopArgs } from '../../electron/shell/desktop-handlers';
import { reveal, revealPath } from '../../electron/shell/native';
import { configSchema } from '../../shared/config';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hookdock-reveal-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('Open folder (starter scripts)', () => {
  it('opens the folder the starter script was written to', async () => {
    const { path: script } = await writeStarterScript(dataDir, 'python');
    expect(desktopArgs.revealInFolder.parse({ target: 'scripts' })).toEqual({ target: 'scripts' });
    expect(desktopArgs.revealInFolder.safeParse({ target: 'scripts', path: '/etc' }).success).toBe(false);
    const where = revealPath({ target: 'scripts' }, dataDir, configSchema.parse({}), () => true);
    expect(where).toEqual({ kind: 'folder', path: path.dirname(script) });
    const opened: string[] = [];
    const shell = {
      openPath: async (p: string) => (opened.push(p), ''),
      showItemInFolder: () => undefined,
    };
    await reveal(shell, where);
    expect(opened).toEqual([path.join(dataDir, 'scripts')]);
  });
});

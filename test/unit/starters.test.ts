// Starter scripts (issue #12, "Run my own script"): written into DATA_DIR/scripts,
// executable, never overwriting the owner's edits; the Node and shell starters run as
// real child processes on an envelope and print what they got.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeStarterScript } from '../../electron/engine/actions/script/starters';
import { createAutomationToolHandlers } from '../../electron/engine/handlers/automation-tools';
import { STARTER_LANGUAGES } from '../../shared/starters';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookdock-starters-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const envelope = JSON.stringify({ id: 'evt_1', source: 'shop', type: 'orders/create', payload: { total: '9.99' } });
const env = {
  ...process.env,
  HOOKDOCK_EVENT_ID: 'evt_1',
  HOOKDOCK_EVENT_TYPE: 'orders/create',
  HOOKDOCK_SOURCE: 'shop',
};

describe('starter scripts', () => {
  it('are written once per language into DATA_DIR/scripts, executable, and an edited one is kept', async () => {
    for (const language of STARTER_LANGUAGES) {
      const first = await writeStarterScript(dir, language);
      expect(first.created).toBe(true);
      expect(first.path.startsWith(join(dir, 'scripts'))).toBe(true);
      if (process.platform !== 'win32') expect((await stat(first.path)).mode & 0o111).toBe(0o111);
    }
    const { path } = await writeStarterScript(dir, 'node');
    await writeFile(path, '// mine\n');
    expect(await writeStarterScript(dir, 'node')).toEqual({ path, created: false });
    expect(await readFile(path, 'utf8')).toBe('// mine\n');
  });

  it('the Node and shell starters read the event and exit 0', async () => {
    const node = await writeStarterScript(dir, 'node');
    const r = spawnSync(process.execPath, [node.path], { input: envelope, env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Got orders/create from shop (event evt_1)\n');
    const sh = await writeStarterScript(dir, 'shell');
    const s = spawnSync('sh', [sh.path], { input: envelope, env, encoding: 'utf8' });
    expect(s.status).toBe(0);
    expect(s.stdout).toBe('Got orders/create from shop (event evt_1)\n');
  });

  it('the API says in a sentence when the data folder cannot be written', async () => {
    const blocked = join(dir, 'file');
    await writeFile(blocked, 'x');
    const h = createAutomationToolHandlers({ getEvent: async () => undefined, dataDir: blocked });
    await expect(h.writeStarterScript({ language: 'python' })).rejects.toThrow(
      /starter script could not be written \(ENOTDIR\); check that Hookdock's data folder is writable/,
    );
    await expect(h.previewConditions({ conditions: {}, eventId: 'nope' })).rejects.toMatchObject({ status: 404 });
  });
});

// `npm start`: the host decision as a pure function with injected facts, and
// one real run of the fallback on this machine (no display, no Electron
// runtime): one line saying why, then `hookdock serve` with its Dashboard link.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface StartModule {
  hasDisplay(platform: string, env: Record<string, string | undefined>): boolean;
  chooseHost(facts: { platform: string; env: Record<string, string | undefined>; electron: Record<string, unknown> }): {
    host: 'electron' | 'download' | 'serve';
    reason?: string;
  };
  installedElectron(
    pkgDir: string,
    env: Record<string, string | undefined>,
  ): { missing?: true; installed?: string | null };
  downloadHost(env: Record<string, string | undefined>): string;
  firstMeaningfulLine(text: string): string;
}

const repo = path.resolve(__dirname, '..', '..');
const startScript = path.join(repo, 'scripts', 'start.mjs');
let start: StartModule;
beforeAll(async () => {
  start = (await import(startScript as string)) as StartModule;
});

describe('choosing the host', () => {
  const installed = { installed: '/x/electron' };
  const notDownloaded = { installed: null, canDownload: true, downloadHost: 'github.com' };
  const offline = { installed: null, canDownload: false, downloadHost: 'github.com' };

  it('opens Electron where it can, downloads it first when missing and reachable', () => {
    expect(start.chooseHost({ platform: 'linux', env: { DISPLAY: ':0' }, electron: installed })).toEqual({
      host: 'electron',
    });
    expect(start.chooseHost({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, electron: installed })).toEqual(
      { host: 'electron' },
    );
    expect(start.chooseHost({ platform: 'darwin', env: {}, electron: installed })).toEqual({ host: 'electron' });
    expect(start.chooseHost({ platform: 'win32', env: {}, electron: notDownloaded })).toEqual({ host: 'download' });
  });

  it('falls back to serve, with a reason, where Electron cannot start', () => {
    const cases: [Parameters<StartModule['chooseHost']>[0], RegExp][] = [
      [{ platform: 'linux', env: {}, electron: installed }, /no display/],
      [{ platform: 'freebsd', env: {}, electron: installed }, /no display/],
      [
        { platform: 'linux', env: { DISPLAY: ':0' }, electron: offline },
        /not downloaded yet and github.com cannot be reached/,
      ],
      [{ platform: 'darwin', env: {}, electron: { missing: true } }, /npm install/],
      [{ platform: 'darwin', env: { HOOKDOCK_NO_ELECTRON: '1' }, electron: installed }, /HOOKDOCK_NO_ELECTRON/],
    ];
    for (const [facts, reason] of cases) {
      const d = start.chooseHost(facts);
      expect(d.host, JSON.stringify(facts)).toBe('serve');
      expect(d.reason).toMatch(reason);
    }
  });

  it('finds an already downloaded runtime without triggering a download', async () => {
    const pkg = await mkdtemp(path.join(os.tmpdir(), 'hookdock-electron-pkg-'));
    try {
      expect(start.installedElectron(pkg, {})).toEqual({ missing: true });
      await writeFile(path.join(pkg, 'package.json'), '{"name":"electron"}');
      expect(start.installedElectron(pkg, {})).toEqual({ installed: null });
      await writeFile(path.join(pkg, 'path.txt'), 'electron');
      expect(start.installedElectron(pkg, {})).toEqual({ installed: null });
      await mkdir(path.join(pkg, 'dist'));
      await writeFile(path.join(pkg, 'dist', 'electron'), '');
      expect(start.installedElectron(pkg, {})).toEqual({ installed: path.join(pkg, 'dist', 'electron') });
      expect(start.installedElectron(pkg, { ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' })).toEqual({ installed: null });
    } finally {
      await rm(pkg, { recursive: true, force: true });
    }
  });

  it('names the download host and the useful line of a crash', () => {
    expect(start.downloadHost({})).toBe('github.com');
    expect(start.downloadHost({ ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' })).toBe('npmmirror.com');
    expect(start.hasDisplay('linux', { DISPLAY: '' })).toBe(false);
    const stderr = [
      '[1234:1127/075500.123:ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY',
      '/opt/electron: error while loading shared libraries: libnss3.so: cannot open shared object file',
      '    at Object.<anonymous> (/x.js:1:1)',
    ].join('\n');
    expect(start.firstMeaningfulLine(stderr)).toMatch(/^\/opt\/electron: error while loading shared libraries/);
    expect(start.firstMeaningfulLine('x'.repeat(400)).length).toBeLessThanOrEqual(160);
  });
});

describe('npm start on this machine', () => {
  let work: string;
  let cli: string;
  beforeAll(async () => {
    // Our own build of the CLI (dist/ may be rebuilt by someone else meanwhile). Inside the
    // repo, so its bare imports (express, lowdb...) resolve from node_modules as in dist/.
    await mkdir(path.join(repo, 'test-artifacts'), { recursive: true });
    work = await mkdtemp(path.join(repo, 'test-artifacts', 'start-'));
    cli = path.join(work, 'cli.js');
    await build({
      entryPoints: [path.join(repo, 'electron', 'cli.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  // Without DISPLAY/WAYLAND_DISPLAY only Linux (and the BSDs) lack a display; macOS/Windows would open Electron.
  it.runIf(process.platform === 'linux')(
    'says why in one line, runs hookdock serve, prints the Dashboard link, stops cleanly on SIGTERM',
    async () => {
      const dataDir = path.join(work, 'data');
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOOKDOCK_DATA_DIR: dataDir,
        HOOKDOCK_PORT: '0',
        HOOKDOCK_DASHBOARD_PORT: '0',
        HOOKDOCK_TUNNEL: 'none',
        HOOKDOCK_SERVE_ENTRY: cli,
      };
      delete env.DISPLAY;
      delete env.WAYLAND_DISPLAY;
      const child = spawn(process.execPath, [startScript], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 20_000;
        while (!/Dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(stdout)) {
          if (Date.now() > deadline || child.exitCode !== null)
            throw new Error(`no Dashboard line.\nstdout: ${stdout}\nstderr: ${stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const url = new URL(/Dashboard: (\S+)/.exec(stdout)![1]);
        const res = await fetch(`${url.origin}/api/status`, {
          headers: { authorization: `Bearer ${url.searchParams.get('token')}` },
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { dataDir: string }).dataDir).toBe(dataDir);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      const ours = stderr.split('\n').filter((l) => l.startsWith('hookdock:'));
      expect(ours).toEqual([
        'hookdock: the desktop app cannot start here: there is no display (DISPLAY and WAYLAND_DISPLAY are not set). Running "hookdock serve" instead; open the Dashboard link below.',
      ]);
      expect(stderr).not.toMatch(/^\s+at /m);
    },
  );
});

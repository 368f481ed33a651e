// Packaging, offline: electron-builder.yml checked against app-builder-lib's
// own schema, the icons it points at, and a real `electron-builder --dir
// --linux` run with a placeholder Electron (-c.electronDist) whose app.asar
// must hold main, preload and the renderer build, with ngrok's native module
// unpacked next to it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildShellBundles } from '../helpers/build-shell';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '..', '..');
const require = createRequire(path.join(repo, 'package.json'));

interface BuilderConfig {
  files?: string[];
  asarUnpack?: string[];
  linux?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
  [key: string]: unknown;
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, extra: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('ascii'), file).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('is valid for app-builder-lib, as electron-builder itself loads it', async () => {
    const config = await getConfig(repo, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.asarUnpack).toContain('node_modules/@ngrok/**');
    // The validator really validates: a misspelt option is refused.
    await expect(
      validateConfiguration(
        { ...config, linux: { ...config.linux, tagret: ['deb'] } as BuilderConfig['linux'] },
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/configuration/i);
  });

  it('points at app icons that exist at installer sizes', async () => {
    expect(pngSize(path.join(repo, 'build', 'icon.png'))).toEqual({ width: 512, height: 512 });
    for (const s of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(repo, 'build', 'icons', `${s}x${s}.png`))).toEqual({ width: s, height: s });
    }
  });

  it('ships tray icons for every state and OS at the right sizes', () => {
    const dir = path.join(repo, 'electron', 'shell', 'assets', 'tray');
    for (const state of ['ok', 'attention', 'paused', 'off']) {
      const sizes: Record<string, number> = {
        [`tray-${state}.png`]: 16,
        [`tray-${state}@2x.png`]: 32,
        [`tray-${state}-32.png`]: 32,
        [`tray-${state}-32@2x.png`]: 64,
        [`tray-${state}Template.png`]: 16,
        [`tray-${state}Template@2x.png`]: 32,
      };
      for (const [file, size] of Object.entries(sizes))
        expect(pngSize(path.join(dir, file)), file).toEqual({ width: size, height: size });
    }
  });
});

describe('electron-builder --dir (offline, placeholder Electron)', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'hookdock-pack-'));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  // The placeholder runtime and the installed ngrok binary are those of linux-x64 (this CI).
  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'packs main, preload and the renderer into app.asar, with the ngrok binary unpacked',
    async () => {
      // A copy of the project: our own build output, so the test never races a build in the repo.
      const project = path.join(work, 'project');
      await mkdir(project);
      for (const item of ['package.json', 'electron-builder.yml', 'build', 'electron/shell/assets']) {
        await cp(path.join(repo, item), path.join(project, item), { recursive: true });
      }
      await symlink(path.join(repo, 'node_modules'), path.join(project, 'node_modules'), 'dir');
      // npm's tree of a symlinked node_modules reads as "extraneous" and electron-builder's npm
      // collector then drops nested modules; its own traversal collector walks the folder as is.
      // (In the real checkout `npm run dist` uses the npm collector: `npm ls` is clean there.)
      const pkg = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8'));
      await writeFile(
        path.join(project, 'package.json'),
        JSON.stringify({ ...pkg, packageManager: 'traversal' }, null, 2),
      );
      await buildShellBundles(project, { sourcemap: true });
      // A sandboxed preload can load nothing but 'electron': no package may leak into its bundle.
      const preload = await readFile(path.join(project, 'dist/electron/preload.cjs'), 'utf8');
      expect([...new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))]).toEqual([
        'electron',
      ]);
      const { build: viteBuild } = await import('vite');
      await viteBuild({
        configFile: path.join(repo, 'vite.config.ts'),
        logLevel: 'silent',
        build: { outDir: path.join(project, 'dist/renderer'), emptyOutDir: true },
      });

      // The placeholder runtime: electron-builder copies this folder and renames the executable.
      const electronDist = path.join(work, 'electron-dist');
      await mkdir(electronDist);
      await writeFile(path.join(electronDist, 'electron'), '#!/bin/sh\necho placeholder\n');
      await chmod(path.join(electronDist, 'electron'), 0o755);
      await writeFile(path.join(electronDist, 'LICENSE'), 'placeholder');

      const cli = require.resolve('electron-builder/cli.js');
      const child = spawn(
        process.execPath,
        [
          cli,
          '--dir',
          '--linux',
          '--x64',
          '--projectDir',
          project,
          `-c.electronDist=${electronDist}`,
          `-c.directories.output=${path.join(work, 'release')}`,
        ],
        { cwd: project, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, output).toBe(0);
      expect(output).not.toMatch(/downloading/i);

      const resources = path.join(work, 'release', 'linux-unpacked', 'resources');
      const asar = require('@electron/asar') as {
        listPackage(file: string, o?: unknown): string[];
        statFile(a: string, f: string): { unpacked?: boolean };
      };
      const entries = new Set(asar.listPackage(path.join(resources, 'app.asar')).map((p) => p.replace(/\\/g, '/')));
      for (const needed of [
        '/package.json',
        '/dist/electron/main.js',
        '/dist/electron/preload.cjs',
        '/dist/renderer/index.html',
        '/electron/shell/assets/tray/tray-ok-32.png',
        '/node_modules/express/package.json',
        '/node_modules/zod/package.json',
        '/node_modules/@ngrok/ngrok/index.js',
      ]) {
        expect(entries.has(needed), needed).toBe(true);
      }
      const rendererAssets = [...entries].filter((p) => p.startsWith('/dist/renderer/assets/') && p.endsWith('.js'));
      expect(rendererAssets.length).toBeGreaterThan(0);
      // Sources, tests, maps and dev tools stay out.
      for (const p of entries)
        expect(p, p).not.toMatch(
          /^\/(test|renderer|shared|scripts)\/|\.map$|^\/electron\/(main|preload)\.ts$|\/node_modules\/(electron|vitest|typescript)\//,
        );

      const ngrokNative = [...entries].find((p) =>
        /^\/node_modules\/@ngrok\/ngrok-linux-x64-[a-z]+\/.*\.node$/.test(p),
      );
      expect(
        ngrokNative,
        `ngrok native module in ${[...entries].filter((p) => p.includes('ngrok')).join(', ')}`,
      ).toBeDefined();
      expect(asar.statFile(path.join(resources, 'app.asar'), ngrokNative!.slice(1)).unpacked).toBe(true);
      expect(existsSync(path.join(resources, 'app.asar.unpacked', ngrokNative!))).toBe(true);

      const packed = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as { main: string };
      expect(entries.has('/' + packed.main)).toBe(true);
      expect(existsSync(path.join(work, 'release', 'linux-unpacked', 'hookdock'))).toBe(true);
    },
    180_000,
  );
});

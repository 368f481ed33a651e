// Bundles electron/main.ts and electron/preload.ts into OUT/dist/electron the way
// scripts/build.mjs does (ESM main, CommonJS preload, electron external), for the
// shell tests that run or package the built files from a folder of their own.
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const repo = path.resolve(import.meta.dirname, '../..');

export async function buildShellBundles(outDir: string, opts: { sourcemap?: boolean } = {}): Promise<void> {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    external: ['electron'],
    logLevel: 'silent',
    sourcemap: opts.sourcemap ?? false,
  };
  await build({
    ...common,
    entryPoints: [path.join(repo, 'electron/main.ts')],
    outfile: path.join(outDir, 'dist/electron/main.js'),
    format: 'esm',
  });
  await build({
    ...common,
    entryPoints: [path.join(repo, 'electron/preload.ts')],
    outfile: path.join(outDir, 'dist/electron/preload.cjs'),
    format: 'cjs',
  });
}

// Builds everything `npm start`, `npm run serve` and the tests run:
//   dist/cli.js            hookdock serve (plain Node)
//   dist/electron/main.js  Electron main process
//   dist/electron/preload.cjs  preload (CommonJS: sandboxed preloads must be)
//   dist/renderer/         the React app (vite)
// Dependencies stay external: they are installed next to dist/ and, in the
// packaged app, inside app.asar (the ngrok native module unpacked).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { build as viteBuild } from 'vite';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['electron/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
});
if (existsSync('electron/main.ts')) {
  await build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: 'dist/electron/main.js',
    format: 'esm',
    external: ['electron'],
  });
}
if (existsSync('electron/preload.ts')) {
  await build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  });
}
if (existsSync('renderer/index.html')) {
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}

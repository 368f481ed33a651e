// `npm start` (after `npm run build`): opens the desktop tray app, or, where
// Electron cannot start (no display, or its runtime cannot be downloaded),
// says why in ONE line and runs `hookdock serve` instead, which prints the
// dashboard URL. Never a stack trace. The decision is a pure function
// (chooseHost), tested with injected facts in test/electron/start.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronPkg = path.join(root, 'node_modules', 'electron');

/** Where Linux and the BSDs need an X11 or Wayland display; macOS and Windows always have one. */
export function hasDisplay(platform, env) {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Decides the host from facts gathered elsewhere:
 *   electron: { installed: path | null, canDownload: boolean, downloadHost: string } | { missing: true }
 * Returns { host: 'electron' } | { host: 'download' } | { host: 'serve', reason }.
 */
export function chooseHost({ platform, env, electron }) {
  if (env.HOOKDOCK_NO_ELECTRON === '1') return { host: 'serve', reason: 'HOOKDOCK_NO_ELECTRON=1 is set' };
  if (!hasDisplay(platform, env))
    return { host: 'serve', reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are not set)' };
  if (electron.missing) return { host: 'serve', reason: 'the electron package is not installed (run npm install)' };
  if (electron.installed) return { host: 'electron' };
  if (!electron.canDownload) {
    return {
      host: 'serve',
      reason: `its runtime is not downloaded yet and ${electron.downloadHost} cannot be reached`,
    };
  }
  return { host: 'download' };
}

/** The Electron binary if it is already downloaded (what require('electron') returns, without its download side effect). */
export function installedElectron(pkgDir = electronPkg, env = process.env) {
  if (!existsSync(path.join(pkgDir, 'package.json'))) return { missing: true };
  try {
    const rel = readFileSync(path.join(pkgDir, 'path.txt'), 'utf8').trim();
    const binary = env.ELECTRON_OVERRIDE_DIST_PATH
      ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel)
      : path.join(pkgDir, 'dist', rel);
    return { installed: existsSync(binary) ? binary : null };
  } catch {
    return { installed: null };
  }
}

/** The host @electron/get downloads from (a mirror when configured). */
export function downloadHost(env) {
  const mirror = env.ELECTRON_MIRROR || env.npm_config_electron_mirror;
  try {
    return mirror ? new URL(mirror).host : 'github.com';
  } catch {
    return 'github.com';
  }
}

/** Can we reach the download host? A HEAD with a short timeout, so an offline machine falls back at once. */
export function canReach(host, timeoutMs = 4000) {
  return new Promise((resolve) => {
    const req = request({ host, method: 'HEAD', path: '/', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The first line of a child's stderr that says something (Electron prints a lot of noise). */
export function firstMeaningfulLine(text) {
  const lines = String(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^\s*at\s/.test(l) && !/^\[\d+:\d+\/\d+/.test(l));
  const line = lines.find((l) => /error|cannot|failed|missing|not supported|sandbox/i.test(l)) ?? lines[0] ?? '';
  return line.length > 160 ? line.slice(0, 157) + '…' : line;
}

function say(line) {
  process.stderr.write(`hookdock: ${line}\n`);
}

/** Runs a child with our stdio, forwarding Ctrl-C and kill; resolves with its exit code. */
function runForwarding(command, args, opts = {}) {
  const child = spawn(command, args, { stdio: opts.stdio ?? 'inherit', cwd: root, env: process.env });
  const forward = (signal) => () => child.kill(signal);
  // Ctrl-C in a terminal already reaches the child (same process group); sending
  // it again would read as a second Ctrl-C, which tells serve to skip its drain.
  const onInterrupt = () => {
    if (!process.stdin.isTTY) child.kill('SIGINT');
  };
  const handlers = { SIGINT: onInterrupt, SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP') };
  for (const [sig, fn] of Object.entries(handlers)) process.on(sig, fn);
  const done = new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: 1, error: err }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), signal }));
  }).finally(() => {
    for (const [sig, fn] of Object.entries(handlers)) process.off(sig, fn);
  });
  return { child, done };
}

function serve(reason) {
  say(`the desktop app cannot start here: ${reason}. Running "hookdock serve" instead; open the Dashboard link below.`);
  const cli = process.env.HOOKDOCK_SERVE_ENTRY || path.join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    say(`${path.relative(root, cli)} is missing: run "npm run build" first.`);
    return 1;
  }
  return runForwarding(process.execPath, [cli, 'serve', ...process.argv.slice(2)]).done.then((r) => r.code);
}

async function download() {
  say('downloading the Electron runtime (first launch only)…');
  const { done } = runForwarding(process.execPath, [path.join(electronPkg, 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ code: 1, timedOut: true }), 5 * 60_000).unref());
  const result = await Promise.race([done, timeout]);
  const after = installedElectron();
  if (result.code === 0 && after.installed) return after.installed;
  return null;
}

/** Starts Electron; if it dies within a few seconds with an error, falls back to serve with the reason. */
async function launchElectron(binary) {
  const started = Date.now();
  const { child, done } = runForwarding(binary, [root], { stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (stderr.length < 16_384) stderr += chunk.toString();
  });
  const result = await done;
  if (result.code !== 0 && !result.signal && Date.now() - started < 15_000) {
    const why = result.error
      ? result.error.message
      : firstMeaningfulLine(stderr) || `it exited with code ${result.code}`;
    return serve(`Electron failed to start (${why})`);
  }
  return result.code;
}

export async function main(platform = process.platform, env = process.env) {
  let facts = installedElectron(electronPkg, env);
  if (!facts.missing && !facts.installed && hasDisplay(platform, env) && env.HOOKDOCK_NO_ELECTRON !== '1') {
    const host = downloadHost(env);
    facts = { ...facts, downloadHost: host, canDownload: await canReach(host) };
  }
  const decision = chooseHost({ platform, env, electron: facts });
  if (decision.host === 'serve') return serve(decision.reason);
  const binary = decision.host === 'electron' ? facts.installed : await download();
  if (!binary) return serve('its runtime could not be downloaded');
  return launchElectron(binary);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code ?? 0),
    (err) => {
      say(`could not start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

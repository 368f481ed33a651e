// The launcher's helper process (launcher.ts), as source text: it is started
// as `node -e <this>` (Electron: ELECTRON_RUN_AS_NODE), so it needs no file of
// its own next to the bundle or inside app.asar, and no build step. Plain
// CommonJS using only node built-ins; the messages are LauncherRequest /
// LauncherEvent (types.ts).

/** Passed after the source: lets the desktop app tell this process from a second launch of itself. */
export const LAUNCHER_MARK = '--hookdock-script-launcher';
//
// It only starts processes and relays their pipes. Everything that decides
// (timeouts, kills of the process group, output caps) stays in the runner, in
// the main process, which knows each script's pid.
export const HELPER_SOURCE = String.raw`'use strict';
process.title = 'hookdock script launcher';
const { spawn } = require('node:child_process');
const kids = new Map();
let baseEnv = {};
const envOf = (d) => {
  if (!d) return undefined;
  if (d.base) baseEnv = d.base;
  const env = Object.assign({}, baseEnv, d.set);
  for (const k of d.unset) delete env[k];
  return env;
};
const send = (m) => { if (process.connected) process.send(m); };
const errorData = (e) => ({ message: String((e && e.message) || e), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path });

function start(m) {
  const id = m.id;
  let child;
  try {
    child = spawn(m.file, m.args, Object.assign({}, m.options, { env: envOf(m.env) }));
  } catch (e) {
    send({ id, ev: 'error', error: errorData(e) });
    send({ id, ev: 'close', code: null, signal: null });
    return;
  }
  kids.set(id, child);
  child.hookdockGroup = Boolean(m.options.detached) && process.platform !== 'win32';
  if (child.pid) send({ id, ev: 'spawned', pid: child.pid });
  child.on('error', (e) => send({ id, ev: 'error', error: errorData(e) }));
  for (const stream of ['stdout', 'stderr']) {
    if (child[stream]) child[stream].on('data', (data) => send({ id, ev: 'data', stream, data }));
  }
  if (child.stdin) {
    child.stdin.on('error', () => undefined);
    input(child, m.stdin.data, m.stdin.end);
  }
  child.on('exit', (code, signal) => send({ id, ev: 'exit', code, signal }));
  child.on('close', (code, signal) => {
    kids.delete(id);
    send({ id, ev: 'close', code, signal });
  });
}

function input(child, data, end) {
  if (!child.stdin) return;
  if (data !== null && data !== undefined) {
    child.stdin.write(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  if (end) child.stdin.end();
}

process.on('message', (m) => {
  const child = kids.get(m.id);
  if (m.op === 'spawn') start(m);
  else if (!child) return;
  else if (m.op === 'stdin') input(child, m.data, true); else if (m.op === 'kill') {
    // A detached script leads its own process group: the signal goes to all of it, as the runner's own kills do.
    try { if (child.hookdockGroup) process.kill(-child.pid, m.signal); else child.kill(m.signal); }
    catch { try { child.kill(m.signal); } catch { /* already gone */ } }
  } else if (m.op === 'release') {
    // The runner stopped reading (a leftover background process holds the pipes): so do we.
    if (child.stdout) child.stdout.destroy();
    if (child.stderr) child.stderr.destroy();
    kids.delete(m.id);
  }
});
// Hookdock went away: its scripts keep running on their own (as when it spawns them
// itself), and the jobs that were running them are attempted again when it starts.
process.on('disconnect', () => process.exit(0));
send({ ev: 'ready' });
`;

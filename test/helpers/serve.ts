// Starting `hookdock serve` (the built dist/cli.js) as a real child process,
// reading the URLs it prints, and talking to its dashboard API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const CLI = join(ROOT, 'dist/cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|tsx|css|html|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(
    ...['electron', 'shared', 'renderer'].map((d) => newestMtime(join(ROOT, d))),
    statSync(join(ROOT, 'package.json')).mtimeMs,
  );
  return sources > built;
}

/**
 * Builds dist/ with scripts/build.mjs when dist/cli.js is missing or older than
 * the sources. Test files run in parallel workers: a lock folder makes one build
 * and the others wait for it.
 */
export async function ensureBuilt(timeoutMs = 180_000): Promise<void> {
  if (!isStale()) return;
  const lock = join(ROOT, 'dist/.build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than the timeout was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > timeoutMs) rmdirSync(lock);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another test to build dist/');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isStale()) return;
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr || r.stdout}`);
  } finally {
    rmdirSync(lock);
  }
}

/** The environment without any HOOKDOCK_* / NGROK_* the developer may have set. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(HOOKDOCK_|NGROK_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export interface ServeProcess {
  proc: ChildProcess;
  receiverUrl: string;
  dashboardUrl: string;
  /** http://127.0.0.1:PORT */
  dashboardBase: string;
  token: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Node's arguments for `hookdock serve` on free ports without a tunnel; dataDir null leaves --data-dir out. */
export function serveArgs(dataDir: string | null, extra: string[] = []): string[] {
  const dirArgs = dataDir === null ? [] : ['--data-dir', dataDir];
  return [CLI, 'serve', ...dirArgs, '--port', '0', '--dashboard-port', '0', '--tunnel', 'none', ...extra];
}

/** Starts `hookdock serve` and waits until it printed its Receiver and Dashboard lines. */
export async function startServe(
  dataDir: string | null,
  opts: {
    args?: string[];
    env?: Record<string, string>;
    timeoutMs?: number;
    /** A command that runs node, e.g. ['prlimit', '--nofile=256:256']. */
    prefix?: string[];
  } = {},
): Promise<ServeProcess> {
  const [command, ...before] = [...(opts.prefix ?? []), process.execPath];
  const proc = spawn(command!, [...before, ...serveArgs(dataDir, opts.args)], {
    cwd: ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((ok) => proc.once('exit', (code, signal) => ok(code ?? signal ?? -1)));
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    const receiver = /^Receiver:\s+(\S+)$/m.exec(out)?.[1];
    const dashboard = /^Dashboard:\s+(\S+)$/m.exec(out)?.[1];
    if (receiver && dashboard) {
      const url = new URL(dashboard);
      return {
        proc,
        receiverUrl: receiver,
        dashboardUrl: dashboard,
        dashboardBase: url.origin,
        token: url.searchParams.get('token') ?? '',
        stdout: () => out,
        stderr: () => err,
        exited,
        stop: async (signal = 'SIGTERM') => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
      };
    }
    if (exitCode !== undefined) throw new Error(`hookdock serve exited (${exitCode}) before it was ready:\n${err}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`hookdock serve was not ready within ${timeoutMs} ms:\n${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the CLI to completion (for start-up failures): exit code and output. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const code = await new Promise<number | null>((ok) => proc.once('exit', (c) => ok(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Calls the dashboard API of a running serve process. */
export async function dashboardApi<T = unknown>(
  serve: Pick<ServeProcess, 'dashboardBase' | 'token'>,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(serve.dashboardBase + path, {
    ...init,
    headers: {
      Authorization: `Bearer ${serve.token}`,
      'Content-Type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Resolves once `serve` has printed `text` on stdout or stderr (log lines may come after the ready lines); rejects if it exits first. */
export function waitForOutput(serve: ServeProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!(serve.stdout() + serve.stderr()).includes(text)) return false;
      serve.proc.stdout!.off('data', onData);
      serve.proc.stderr!.off('data', onData);
      resolve();
      return true;
    };
    // Our own listeners run after the collecting ones, so the text is already appended.
    const onData = () => void setImmediate(check);
    if (check()) return;
    serve.proc.stdout!.on('data', onData);
    serve.proc.stderr!.on('data', onData);
    void serve.exited.then((code) => {
      if (!check()) reject(new Error(`hookdock serve exited (${code}) before printing "${text}"`));
    });
  });
}

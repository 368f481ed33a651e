// Runs one attempt of an agent script (ARCHITECTURE.md "Contract: agent scripts").
//
// - Spawned without a shell; only the owner's command and args reach argv,
//   nothing from the payload. The envelope goes on stdin and into a 0600 temp
//   file named by HOOKDOCK_EVENT_FILE (removed afterwards).
// - POSIX: the script leads its own process group (detached), so a timeout
//   kills everything it started: SIGTERM to the group, SIGKILL after a grace.
//   Linux: also every process carrying the attempt's marker, in or out of the
//   group, on timeout, stop, and after any exit (process-tree.ts); the result
//   names each one ended. Windows: taskkill /T /F on the process tree.
// - stdout/stderr are kept capped (output.ts) and handed on live; complete
//   stdout lines go to onStdoutLine (for send lines) past the cap too.
import { spawn as nodeSpawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultNodePath, resolveInvocation, type Invocation } from './interpreter';
import { CappedOutput, LineScanner, OUTPUT_CAP_BYTES, type OutputStream } from './output';
import type { ScriptChild, SpawnScript } from './launcher/types';
import {
  describeEnded,
  endRunProcesses,
  killRunProcessesSync,
  newProcessMark,
  PROCESS_MARK_VAR,
  type EndedProcess,
} from './process-tree';
import { checkRunnable, inheritedEnv, spawnErrorMessage, type RunnableCheck } from './preflight';

export interface RunScriptInput {
  command: string;
  args: readonly string[];
  cwd: string | null;
  timeoutSeconds: number;
  /** Serialized as JSON onto stdin and into HOOKDOCK_EVENT_FILE (when envelopeJson is not given). */
  envelope?: unknown;
  /** The envelope already as JSON text (envelope.ts: raw payload bytes kept); wins over envelope. */
  envelopeJson?: string;
  /** HOOKDOCK_* variables (HOOKDOCK_EVENT_FILE is added here). Merged over process.env. */
  env: Record<string, string>;
  /** Where the event file is written (DATA_DIR/tmp). */
  tmpDir: string;
  onOutput?: (stream: OutputStream, chunk: Buffer) => void;
  onStdoutLine?: (line: string) => void;
  /** Aborting kills the script at once (Hookdock is stopping). */
  signal?: AbortSignal;
  /** Default: node's spawn() in this process; the service hands in its launcher's (launcher/launcher.ts). */
  spawn?: SpawnScript;
  nodePath?: string;
  platform?: NodeJS.Platform;
  /** Between SIGTERM and SIGKILL on timeout. Default 2 s. */
  killGraceMs?: number;
  capBytes?: number;
  /**
   * When given, the script is spawned only once it resolves; the preparation (event
   * file, checks) overlaps it. If it rejects, runScript rejects with its error and
   * nothing is spawned (the scheduler's job record could not be saved).
   */
  ready?: Promise<unknown>;
}

export interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  /** Null when the script exited 0; otherwise why the attempt failed, as a sentence. */
  error: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  /** Processes of this attempt Hookdock ended (Linux; process-tree.ts), in pid order. */
  ended: EndedProcess[];
  /**
   * For an attempt that exited 0 but left processes running, which were ended: a sentence
   * to record with it (it still succeeded). Null otherwise (failures say it in `error`).
   */
  note: string | null;
}

/**
 * After the script exits, how long its leftover children may hold stdout open
 * before we stop reading. Generous: a busy event loop must still drain the
 * last 64 KiB in the pipe (where a send line often is) before we give up.
 */
const CLOSE_WAIT_MS = 2000;

export async function runScript(input: RunScriptInput): Promise<AttemptResult> {
  const platform = input.platform ?? process.platform;
  const started = Date.now();
  const invocation = resolveInvocation(input.command, input.args, {
    platform,
    nodePath: input.nodePath ?? defaultNodePath(),
  });
  const cwd = input.cwd ?? process.cwd();
  const json = input.envelopeJson ?? JSON.stringify(input.envelope);
  // randomUUID draws from a cached entropy pool: cheaper per attempt than randomBytes().
  const eventFile = join(input.tmpDir, `event-${randomUUID()}.json`);
  const check: RunnableCheck = { inv: invocation, command: input.command, configuredCwd: input.cwd, cwd, platform };
  // Both at once: each is a round trip to the thread pool, and they add up in the event -> start latency.
  const [problem, written, notReady] = await Promise.all([
    checkRunnable(check),
    writeEventFile(eventFile, input.tmpDir, json).then(
      () => null,
      (err: unknown) => err,
    ),
    input.ready?.then(
      () => null,
      (err: unknown) => err ?? new Error('Not ready to run.'),
    ) ?? null,
  ]);
  if (notReady) {
    await unlink(eventFile).catch(() => undefined);
    throw notReady;
  }
  if (written || problem) {
    await unlink(eventFile).catch(() => undefined);
    return failed(
      problem ?? `Hookdock could not write the event file in ${input.tmpDir}: ${(written as Error).message}`,
      started,
    );
  }
  try {
    const result = await spawnAndWait(input, invocation, cwd, platform, json, eventFile, started);
    if (result.error === null || result.timedOut || input.signal?.aborted) return result;
    // The script may have gone since it was last checked: then that is what the owner must hear.
    const gone = await checkRunnable(check, { fresh: true });
    return gone ? { ...result, error: gone } : result;
  } finally {
    // Not awaited: the attempt is over; the file goes in the background.
    void unlink(eventFile).catch(() => undefined);
  }
}

// Callback fs, promisified once: on every attempt, fs/promises' FileHandle machinery
// (open, write, close as three promise round trips) cost more main-thread time than the work.
const writeFile = (file: string, data: string, opts: fs.WriteFileOptions) =>
  new Promise<void>((ok, ko) => fs.writeFile(file, data, opts, (err) => (err ? ko(err) : ok())));
const unlink = (file: string) => new Promise<void>((ok, ko) => fs.unlink(file, (err) => (err ? ko(err) : ok())));

/** 0600, never overwriting; the folder is made only when missing (not one mkdir per attempt). */
async function writeEventFile(file: string, dir: string, json: string): Promise<void> {
  try {
    await writeFile(file, json, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, json, { mode: 0o600, flag: 'wx' });
  }
}

function spawnAndWait(
  input: RunScriptInput,
  invocation: Invocation,
  cwd: string,
  platform: NodeJS.Platform,
  json: string,
  eventFile: string,
  started: number,
): Promise<AttemptResult> {
  const spawn: SpawnScript = input.spawn ?? nodeSpawn;
  const cap = input.capBytes ?? OUTPUT_CAP_BYTES;
  const out = { stdout: new CappedOutput(cap), stderr: new CappedOutput(cap) };
  const lines = new LineScanner((line) => input.onStdoutLine?.(line));

  // Inherited by every descendant: how those that leave the process group are found (process-tree.ts).
  const mark = newProcessMark();
  const graceMs = input.killGraceMs ?? 2000;
  return new Promise((resolvePromise) => {
    let child: ScriptChild;
    try {
      child = spawn(invocation.file, invocation.args, {
        cwd,
        env: { ...inheritedEnv(), ...input.env, HOOKDOCK_EVENT_FILE: eventFile, [PROCESS_MARK_VAR]: mark },
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: platform !== 'win32',
        windowsHide: true,
      });
    } catch (err) {
      resolvePromise(failed(spawnErrorMessage(err, invocation, input.command), started));
      return;
    }

    let done = false;
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: string | null } | null = null;
    let spawnError: unknown = null;
    // On timeout: the sweep under way. On stop: what was killed at once.
    let ending: Promise<EndedProcess[]> | null = null;
    let killedAtStop: EndedProcess[] = [];
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(fn, ms);
      t.unref();
      timers.push(t);
    };
    const kill = (sig: NodeJS.Signals) => killTree(child, sig, platform, spawn);

    const finish = () => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      input.signal?.removeEventListener('abort', onAbort);
      // Anything a timed-out or stopped script left in its group goes too.
      if (timedOut || aborted) kill('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      lines.end();
      // Whatever of the attempt is still there goes too, however it ended (README: "Processes a script leaves").
      const swept = aborted
        ? Promise.resolve([...killedAtStop, ...killRunProcessesSync({ root: child.pid, mark, platform })])
        : (ending ?? Promise.resolve([])).then(async (first) => {
            // After a timeout's sweep (its grace given), anything found now is killed at once.
            const more = await endRunProcesses({
              root: child.pid,
              mark,
              first: ending ? 'SIGKILL' : 'SIGTERM',
              graceMs,
              platform,
            });
            return [...first, ...more.filter((p) => !first.some((q) => q.pid === p.pid))];
          });
      void swept.then((ended) => settle(ended));
    };

    const settle = (ended: EndedProcess[]) => {
      const what = describeEnded(ended);
      const code = exit?.code ?? null;
      const signal = exit?.signal ?? null;
      let error: string | null = null;
      let note: string | null = null;
      // The script's own process is no leftover (when its helper died, its end is known before it is gone).
      const others = describeEnded(ended.filter((p) => p.pid !== child.pid));
      const leftovers = others && `It left processes running, so Hookdock ${others}.`;
      if (spawnError) error = spawnErrorMessage(spawnError, invocation, input.command);
      else if (aborted)
        error = `Hookdock stopped while this attempt ran; it runs again when Hookdock starts.${what ? ` Hookdock ${what}.` : ''}`;
      else if (timedOut)
        error = `The script ran longer than ${input.timeoutSeconds} s and was stopped; ${what ?? 'its process group was ended'}.`;
      else if (signal) error = `The script was ended by ${signal}.${leftovers ? ` ${leftovers}` : ''}`;
      else if (code !== 0) error = `The script exited with code ${code}.${leftovers ? ` ${leftovers}` : ''}`;
      else if (leftovers)
        note = `The script exited 0. ${leftovers} A process meant to outlive its run must be started outside it (README: "Processes a script leaves").`;
      resolvePromise({
        exitCode: code,
        signal,
        error,
        timedOut,
        stdout: out.stdout.text(),
        stderr: out.stderr.text(),
        truncated: out.stdout.truncated || out.stderr.truncated,
        durationMs: Date.now() - started,
        ended,
        note,
      });
    };

    const onAbort = () => {
      aborted = true;
      // Synchronously: Hookdock is stopping, and its process may exit before another turn of the loop.
      // Before the group kill, so the message names the group's processes too.
      killedAtStop = killRunProcessesSync({ root: child.pid, mark, platform });
      kill('SIGKILL');
    };
    if (input.signal?.aborted) onAbort();
    else input.signal?.addEventListener('abort', onAbort, { once: true });

    const onData = (stream: OutputStream) => (chunk: Buffer) => {
      out[stream].push(chunk);
      if (stream === 'stdout') lines.push(chunk);
      input.onOutput?.(stream, chunk);
    };
    child.stdout?.on('data', onData('stdout'));
    child.stderr?.on('data', onData('stderr'));

    child.on('error', (err) => {
      // Spawn failures (ENOENT, EACCES) come here, with no pid and no exit.
      if (child.pid) return;
      spawnError = err;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (timedOut) kill('SIGKILL');
      // A background child may keep stdout open: wait a little, not forever.
      later(CLOSE_WAIT_MS, finish);
    });
    child.on('close', finish);

    // A script that never reads stdin, or exits early, closes the pipe: EPIPE is expected.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(json);

    later(Math.max(1, input.timeoutSeconds * 1000), () => {
      if (exit) return;
      timedOut = true;
      if (platform !== 'linux') {
        kill('SIGTERM');
        later(graceMs, () => kill('SIGKILL'));
        return;
      }
      // Linux: the sweep signals the group too, once it has seen (and can name) each member;
      // through the launcher the script may not exist yet: then the sweep starts when it does.
      const sweep = () => {
        if (done) return;
        // The group too, once the sweep is done (it names only what it saw before signalling).
        ending = endRunProcesses({ root: child.pid, mark, first: 'SIGTERM', graceMs, platform }).then((list) => {
          kill('SIGKILL');
          return list;
        });
      };
      if (child.pid) sweep();
      else child.on('spawn', sweep);
    });
  });
}

/** Kills the script and everything it started. Never throws. */
function killTree(child: ScriptChild, sig: NodeJS.Signals, platform: NodeJS.Platform, spawn: SpawnScript): void {
  const pid = child.pid;
  if (!pid) {
    child.kill(sig); // not started yet (the launcher's answer is on its way): it passes the signal on
    return;
  }
  if (platform === 'win32') {
    // Windows has no process groups or signals: taskkill ends the whole tree, forcibly.
    try {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on(
        'error',
        () => undefined,
      );
    } catch {
      /* nothing else to try */
    }
    return;
  }
  try {
    process.kill(-pid, sig);
  } catch {
    // The group is gone already, or was never made: try the child itself.
    try {
      child.kill(sig);
    } catch {
      /* already gone */
    }
  }
}

function failed(error: string, started: number): AttemptResult {
  return {
    exitCode: null,
    signal: null,
    error,
    timedOut: false,
    stdout: '',
    stderr: '',
    truncated: false,
    durationMs: Date.now() - started,
    ended: [],
    note: null,
  };
}

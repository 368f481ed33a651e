// Starts agent scripts (ARCHITECTURE.md "Contract: agent scripts" is unchanged:
// same argv, env, cwd, stdin, pipes, process group), from a small helper
// process when scripts are already running.
//
// Why: node's spawn() blocks the calling thread until the new process has
// exec'd: ~3.5 ms a script here, whatever the caller's size (measured the same
// in a bare Node process). In Hookdock's process that is the event loop that
// answers webhooks and the dashboard, and during a burst those blocks added up
// to most of its time and bounded runs/s (test/bench/scripts.ts). So:
// - a script that starts while none is running is spawned here, directly: the
//   fastest start (one block now and then harms nobody);
// - a script that starts while others run goes to the helper, a bare Node
//   process that does the blocking spawn() off our event loop, at the cost of
//   a message each way (~1 ms). The first burst starts the helper (it is not
//   waited for: until it is up, scripts start directly) and it stays.
//
// The helper only starts processes and relays their pipes; the runner keeps
// the timeouts and kills the script's process group itself by pid. If the
// helper cannot start, scripts are spawned in-process and the reason is
// logged; if it dies, the scripts it was relaying are stopped and their
// attempts fail (the job retries them), and the next burst starts a new one.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Logger } from '../../../util/logger';
import { inheritedEnv } from '../preflight';
import { HELPER_SOURCE, LAUNCHER_MARK } from './helper-source';
import { RemoteChild } from './remote-child';
import type { EnvDelta, LauncherEvent, LauncherRequest, SpawnScript } from './types';

export interface ScriptLauncher {
  spawn: SpawnScript;
  /** Ends the helper (scripts still running are not killed: they are detached, like in-process ones). */
  stop(): void;
  /** The helper's pid once it is up and taking scripts. */
  helperPid(): number | undefined;
  /** 'in-process' once the helper could not start (then scripts are spawned by Hookdock itself). */
  mode(): 'helper' | 'in-process';
}

export interface LauncherOptions {
  logger: Logger;
  /** Runs the helper: process.execPath (under Electron with ELECTRON_RUN_AS_NODE). */
  execPath?: string;
  /** Used to start the helper, and for scripts when there is no helper. */
  spawn?: typeof nodeSpawn;
  platform?: NodeJS.Platform;
  /**
   * Default true: a script that starts while no other is running is spawned
   * here, directly (see the top of this file); false sends every script
   * through the helper (tests of the helper path).
   */
  directWhenIdle?: boolean;
}

/** How long the helper may take to say it is ready before Hookdock stops waiting and spawns itself. */
const READY_TIMEOUT_MS = 10_000;
/** Variables that may differ from the last full environment before a full one is sent again. */
const MAX_DELTA = 32;

export function createScriptLauncher(opts: LauncherOptions): ScriptLauncher {
  const log = opts.logger.child('launcher');
  const spawn = opts.spawn ?? nodeSpawn;
  const platform = opts.platform ?? process.platform;
  let helper: ChildProcess | null = null;
  let ready = false;
  let waiting: LauncherRequest[] = [];
  let inProcess = false; // the helper could not start: spawn as before
  let stopped = false;
  let nextId = 1;
  const children = new Map<number, RemoteChild>();
  const directWhenIdle = opts.directWhenIdle ?? true;
  let directRunning = 0;
  const inFlight = () => directRunning + children.size;

  function direct(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(file, [...args], options);
    directRunning++;
    child.once('close', () => directRunning--);
    return child;
  }

  // The last full environment the helper was sent (envDelta).
  let sentEnv: Record<string, string> | null = null;

  function envDelta(env: NodeJS.ProcessEnv): EnvDelta {
    const full = () => {
      sentEnv = {};
      for (const [k, v] of Object.entries(env)) if (v !== undefined) sentEnv[k] = v;
      return { base: sentEnv, set: {}, unset: [] };
    };
    if (!sentEnv) return full();
    const set: Record<string, string> = {};
    const unset: string[] = [];
    for (const k in env) if (env[k] !== undefined && sentEnv[k] !== env[k]) set[k] = env[k]!;
    for (const k in sentEnv) if (env[k] === undefined) unset.push(k);
    // Mostly different (the environment changed): a new base, so later deltas are small again.
    return Object.keys(set).length + unset.length > MAX_DELTA ? full() : { set, unset };
  }

  const send = (request: LauncherRequest) => {
    if (!ready) waiting.push(request);
    else if (helper?.connected) helper.send(request);
  };

  function startHelper(): void {
    ready = false;
    sentEnv = null;
    // What a script would inherit (no dashboard token, no ngrok authtoken: every script's
    // own environment comes with its request anyway), as Node, without Hookdock's flags.
    const env: NodeJS.ProcessEnv = { ...inheritedEnv(), ELECTRON_RUN_AS_NODE: '1' };
    delete env.NODE_OPTIONS;
    let child: ChildProcess;
    try {
      child = spawn(opts.execPath ?? process.execPath, ['-e', HELPER_SOURCE, '--', LAUNCHER_MARK], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
        env,
        windowsHide: true,
      });
    } catch (err) {
      giveUp(err);
      return;
    }
    helper = child;
    const readyTimer = setTimeout(
      () => giveUp(new Error(`no answer within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    readyTimer.unref();
    child.on('message', (m: LauncherEvent) => {
      if (helper !== child) return;
      if ('id' in m) deliver(m);
      else if (m.ev === 'ready') {
        clearTimeout(readyTimer);
        ready = true;
        for (const request of waiting.splice(0)) child.send(request);
      }
    });
    child.on('error', (err) => {
      clearTimeout(readyTimer);
      if (helper === child && !ready) giveUp(err);
    });
    // Its last messages (a script's pid among them) may still be in the pipe when its exit is
    // reported: the scripts are given up only once the channel has been read to its end too.
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let drained = false;
    const ended = () => {
      if (helper !== child || !exit || (ready && !drained)) return;
      helper = null;
      if (!ready) giveUp(new Error(`it exited at once (${exit.signal ?? `code ${exit.code}`})`));
      else lost(exit.code, exit.signal);
    };
    child.on('disconnect', () => {
      drained = true;
      ended();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(readyTimer);
      exit = { code, signal };
      ended();
    });
    // Hookdock's exit is never held up by its helper; scripts in flight hold it (holdWhileBusy).
    child.unref();
    holdWhileBusy();
  }

  /** Like a script spawned in-process, one relayed by the helper keeps Hookdock's event loop alive. */
  function holdWhileBusy(): void {
    const channel = helper?.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (children.size > 0) channel?.ref?.();
    else channel?.unref?.();
  }

  function deliver(m: Extract<LauncherEvent, { id: number }>): void {
    const child = children.get(m.id);
    if (!child) return;
    if (m.ev === 'spawned') child.spawned(m.pid);
    else if (m.ev === 'data') child.data(m.stream, m.data);
    else if (m.ev === 'error') child.failed(m.error);
    else if (m.ev === 'exit') child.exited(m.code, m.signal);
    else {
      children.delete(m.id);
      holdWhileBusy();
      child.close(m.code, m.signal);
    }
  }

  /** The helper never became ready: spawn in-process from now on, and fail what was waiting for it. */
  function giveUp(err: unknown): void {
    if (inProcess) return;
    inProcess = true;
    const reason = err instanceof Error ? err.message : String(err);
    log.warn('The script launcher could not start; scripts are started by Hookdock itself.', { reason });
    const old = helper;
    helper = null;
    old?.kill();
    waiting = [];
    for (const child of children.values()) {
      child.failed({ message: `Hookdock's script launcher could not start (${reason}).` });
      child.close(null, null);
    }
    children.clear();
  }

  /** The helper died with scripts in flight: their output is lost, so they are stopped and their attempts fail. */
  function lost(code: number | null, signal: NodeJS.Signals | null): void {
    if (children.size === 0 && stopped) return;
    log.error('The script launcher stopped unexpectedly; scripts it was running were stopped.', {
      code,
      signal,
      running: children.size,
    });
    for (const child of children.values()) {
      if (child.pid !== undefined) killGroup(child.pid);
      if (child.pid === undefined)
        child.failed({ message: "Hookdock's script launcher stopped while starting the script." });
      else child.exited(null, 'SIGKILL');
      child.close(null, child.pid === undefined ? null : 'SIGKILL');
    }
    children.clear();
  }

  function killGroup(pid: number): void {
    try {
      if (platform === 'win32') {
        nodeSpawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on(
          'error',
          () => undefined,
        );
      } else process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }

  return {
    spawn(file, args, options: SpawnOptions) {
      if (stopped) return spawn(file, [...args], options);
      if (inProcess || (directWhenIdle && inFlight() === 0)) return direct(file, args, options);
      // A burst: from now on the helper is kept for the next ones; until it is up, start directly.
      if (!helper) startHelper();
      if (inProcess || (directWhenIdle && !ready)) return direct(file, args, options);
      const stdio = options.stdio ?? 'pipe';
      const piped = (i: number) => (Array.isArray(stdio) ? (stdio[i] ?? 'pipe') : stdio) === 'pipe';
      const id = nextId++;
      const child = new RemoteChild(id, send, { stdin: piped(0), stdout: piped(1), stderr: piped(2) });
      children.set(id, child);
      holdWhileBusy();
      const { env, ...rest } = options;
      // Sent once the caller's synchronous setup is done, so stdin written right after spawn() rides along.
      queueMicrotask(() => {
        send({
          op: 'spawn',
          id,
          file,
          args: [...args],
          options: rest,
          env: envDelta(env ?? process.env),
          stdin: child.takeInput(),
        });
      });
      return child;
    },

    stop() {
      stopped = true;
      const old = helper;
      helper = null;
      if (old?.connected) old.disconnect();
    },

    helperPid: () => (ready ? helper?.pid : undefined),
    mode: () => (inProcess ? 'in-process' : 'helper'),
  };
}

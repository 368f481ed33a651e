// What a script attempt needs before it spawns, kept cheap for the many-runs
// case: the check that the script can start (with a sentence when it cannot)
// and the environment it inherits.
//
// Both are per-attempt costs on the main thread, next to spawn() itself
// (test/bench/scripts.ts), so each keeps a short-lived answer:
// - a script found runnable is not stat'ed again for RECHECK_MS. A problem is
//   never remembered, and after any failed attempt the runner asks again with
//   `fresh`, so a script deleted meanwhile is still named as missing.
// - the inherited environment is copied at most once per ENV_TTL_MS
//   (enumerating process.env goes through the OS environment every time).
import fs from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Invocation } from './interpreter';

const RECHECK_MS = 5000;
const ENV_TTL_MS = 1000;
/** Distinct commands are few (one per automation); the bound only guards against a runaway. */
const MAX_REMEMBERED = 256;

export interface RunnableCheck {
  inv: Invocation;
  command: string;
  /** The automation's cwd, or null when it has none (then `cwd` is Hookdock's own). */
  configuredCwd: string | null;
  cwd: string;
  platform: NodeJS.Platform;
}

const stat = (file: string) => new Promise<fs.Stats>((ok, ko) => fs.stat(file, (err, st) => (err ? ko(err) : ok(st))));
const runnableUntil = new Map<string, number>();

/** Why the command cannot start, in words, or null when it looks runnable. Bare names are left to PATH lookup. */
export async function checkRunnable(
  c: RunnableCheck,
  opts: { fresh?: boolean; now?: number } = {},
): Promise<string | null> {
  const now = opts.now ?? Date.now();
  const key = `${c.platform}\u0000${c.configuredCwd === null ? '' : c.cwd}\u0000${c.inv.file}\u0000${c.inv.script ?? c.command}`;
  if (!opts.fresh && (runnableUntil.get(key) ?? 0) > now) return null;
  const problem = await inspect(c);
  if (problem !== null) runnableUntil.delete(key);
  else {
    if (runnableUntil.size >= MAX_REMEMBERED) runnableUntil.clear();
    runnableUntil.set(key, now + RECHECK_MS);
  }
  return problem;
}

async function inspect({ inv, command, configuredCwd, cwd, platform }: RunnableCheck): Promise<string | null> {
  const path = inv.script ?? command;
  const hasSeparator = path.includes('/') || (platform === 'win32' && path.includes('\\'));
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  const [cwdStat, st] = await Promise.all([
    configuredCwd === null ? null : stat(cwd).catch(() => null),
    inv.script || hasSeparator ? stat(full).catch(() => null) : null,
  ]);
  if (configuredCwd !== null && !cwdStat?.isDirectory()) return `The working folder "${cwd}" does not exist.`;
  if (!inv.script && !hasSeparator) return null;
  if (!st) return `The script "${full}" does not exist. Check the path in the automation.`;
  if (st.isDirectory()) return `"${full}" is a folder, not a script. Check the path in the automation.`;
  // No execute bit at all: exec would fail with EACCES. (Finer cases still surface as EACCES from spawn.)
  if (!inv.script && platform !== 'win32' && (st.mode & 0o111) === 0) {
    return `The script "${full}" is not executable. Run: chmod +x "${full}"`;
  }
  return null;
}

/** Why spawn() refused, in words. */
export function spawnErrorMessage(err: unknown, inv: Invocation, command: string): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') {
    return inv.script
      ? `"${inv.file}" is needed to run ${inv.script} but was not found. Install it, or make sure it is on the PATH.`
      : `The program "${command}" was not found. Use its full path, or make sure it is on the PATH.`;
  }
  if (code === 'EACCES') return `"${inv.file}" is not executable. Run: chmod +x "${inv.file}"`;
  const message = err instanceof Error ? err.message : String(err);
  return `The script could not be started: ${message}`;
}

let envCopy: { env: NodeJS.ProcessEnv; until: number } | null = null;

/**
 * Hookdock's own environment minus its settings and secrets (the dashboard
 * token, the ngrok authtoken): a script sees only the HOOKDOCK_* variables of
 * its event. The result is shared: callers copy it, never change it.
 */
export function inheritedEnv(now = Date.now()): Readonly<NodeJS.ProcessEnv> {
  if (envCopy && envCopy.until > now) return envCopy.env;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const upper = k.toUpperCase();
    if (upper.startsWith('HOOKDOCK_') || upper === 'NGROK_AUTHTOKEN') continue;
    env[k] = v;
  }
  envCopy = { env, until: now + ENV_TTL_MS };
  return env;
}

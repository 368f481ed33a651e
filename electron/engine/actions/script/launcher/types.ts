// What the script runner needs of a started process, so it runs the same over
// node's own spawn() and over the launcher (launcher.ts). Narrower than
// ChildProcess on purpose: the launcher's stand-in stays light.
import type { SpawnOptions } from 'node:child_process';

export interface ScriptInput {
  on(event: 'error', listener: (err: Error) => void): unknown;
  end(data: string | Uint8Array): unknown;
}

export interface ScriptOutput {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  /** Stop reading (a leftover background process may hold the pipe open forever). */
  destroy(): unknown;
}

export interface ScriptChild {
  /** Set once the process exists (at once for node's spawn, a moment later through the launcher). */
  readonly pid?: number;
  readonly stdin: ScriptInput | null;
  readonly stdout: ScriptOutput | null;
  readonly stderr: ScriptOutput | null;
  kill(signal?: NodeJS.Signals): boolean;
  /** Once the process exists. */
  on(event: 'spawn', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'exit' | 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

export type SpawnScript = (file: string, args: readonly string[], options: SpawnOptions) => ScriptChild;

/**
 * The environment as a change to the last full one sent (`base`): scripts share
 * nearly all of it, and sending ~40 variables per script was most of the cost
 * of a spawn request.
 */
export interface EnvDelta {
  base?: Record<string, string>;
  set: Record<string, string>;
  unset: string[];
}

/** Main -> helper. */
export type LauncherRequest =
  | {
      op: 'spawn';
      id: number;
      file: string;
      args: string[];
      options: Omit<SpawnOptions, 'env'>;
      env: EnvDelta | null;
      /** What was written to stdin before the request left, and whether stdin was ended. */
      stdin: { data: Uint8Array | string | null; end: boolean };
    }
  | { op: 'stdin'; id: number; data: Uint8Array | string | null }
  | { op: 'kill'; id: number; signal: NodeJS.Signals }
  | { op: 'release'; id: number };

export interface ErrorData {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

/** Helper -> main. */
export type LauncherEvent =
  | { ev: 'ready' }
  | { id: number; ev: 'spawned'; pid: number }
  | { id: number; ev: 'error'; error: ErrorData }
  | { id: number; ev: 'data'; stream: 'stdout' | 'stderr'; data: Uint8Array }
  | { id: number; ev: 'exit' | 'close'; code: number | null; signal: NodeJS.Signals | null };

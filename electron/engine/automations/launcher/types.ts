// What the script runner needs of a started process, so it runs the same over
// node's own spawn() and over the launcher (launcher.ts).
import type { SpawnOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface ScriptChild {
  /** Set once the process exists (at once for node's spawn, a moment later through the launcher). */
  readonly pid?: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  /** Once the process exists. */
  on(event: 'spawn', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'exit' | 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

export type SpawnScript = (file: string, args: readonly string[], options: SpawnOptions) => ScriptChild;

/** Main -> helper. */
export type LauncherRequest =
  | { op: 'spawn'; id: number; file: string; args: string[]; options: SpawnOptions }
  | { op: 'stdin'; id: number; data: Uint8Array | null; end: boolean }
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

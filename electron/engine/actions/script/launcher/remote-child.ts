// A process started by the launcher's helper, as the runner sees it: the
// ScriptChild surface (types.ts), fed by the helper's messages. Plain event
// emitters, not streams: messages arrive in order, so each chunk is handed on
// as it comes and 'close' follows the last one.
import { EventEmitter } from 'node:events';
import type { ErrorData, LauncherRequest, ScriptChild, ScriptInput, ScriptOutput } from './types';

type Send = (request: LauncherRequest) => void;

class RemoteInput extends EventEmitter implements ScriptInput {
  /** Set by end(); taken by the spawn request when it leaves after it. */
  pending: { data: Uint8Array | string | null } | null = null;
  ended = false;
  constructor(private readonly onEnd: () => void) {
    super();
  }
  end(data: string | Uint8Array): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = { data };
    this.onEnd();
  }
}

class RemoteOutput extends EventEmitter implements ScriptOutput {
  destroyed = false;
  constructor(private readonly onDestroy: () => void) {
    super();
  }
  push(chunk: Buffer): void {
    if (!this.destroyed) this.emit('data', chunk);
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.onDestroy();
  }
}

export class RemoteChild extends EventEmitter implements ScriptChild {
  pid: number | undefined = undefined;
  readonly stdin: RemoteInput | null;
  readonly stdout: RemoteOutput | null;
  readonly stderr: RemoteOutput | null;
  /** Signals asked for before the helper said the process exists. */
  private early: NodeJS.Signals[] = [];
  private requested = false;
  private closed = false;

  constructor(
    readonly id: number,
    private readonly send: Send,
    pipes: { stdin: boolean; stdout: boolean; stderr: boolean },
  ) {
    super();
    // stdin ended after the spawn request left goes on its own; before, it rides along.
    this.stdin = pipes.stdin ? new RemoteInput(() => this.requested && this.flushInput()) : null;
    // The runner stops reading when it stops waiting for the pipes: the helper lets go too.
    const release = () => !this.closed && this.send({ op: 'release', id });
    this.stdout = pipes.stdout ? new RemoteOutput(release) : null;
    this.stderr = pipes.stderr ? new RemoteOutput(release) : null;
  }

  /** For the spawn request: stdin as far as it was written, and from now on stdin goes by itself. */
  takeInput(): { data: Uint8Array | string | null; end: boolean } {
    this.requested = true;
    const pending = this.stdin?.pending;
    if (this.stdin) this.stdin.pending = null;
    return { data: pending?.data ?? null, end: Boolean(pending) };
  }

  private flushInput(): void {
    const pending = this.stdin?.pending;
    if (!pending || !this.stdin) return;
    this.stdin.pending = null;
    this.send({ op: 'stdin', id: this.id, data: pending.data });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.closed) return false;
    if (this.pid === undefined) this.early.push(signal);
    else this.send({ op: 'kill', id: this.id, signal });
    return true;
  }

  spawned(pid: number): void {
    this.pid = pid;
    this.emit('spawn'); // as ChildProcess does once the process exists
    for (const signal of this.early.splice(0)) this.send({ op: 'kill', id: this.id, signal });
  }

  data(stream: 'stdout' | 'stderr', data: Uint8Array): void {
    this[stream]?.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  failed(error: ErrorData): void {
    this.emit('error', Object.assign(new Error(error.message), error));
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.emit('exit', code, signal);
  }

  close(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code, signal);
  }
}

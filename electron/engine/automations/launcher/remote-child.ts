// A process started by the launcher's helper, as the runner sees it: the
// ScriptChild surface of node's ChildProcess, fed by the helper's messages.
import { EventEmitter } from 'node:events';
import { Readable, Writable, finished } from 'node:stream';
import type { ErrorData, LauncherRequest, ScriptChild } from './types';

type Send = (request: LauncherRequest) => void;

export class RemoteChild extends EventEmitter implements ScriptChild {
  pid: number | undefined = undefined;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Signals asked for before the helper said the process exists. */
  private early: NodeJS.Signals[] = [];
  private closed = false;
  private released = false;

  constructor(
    readonly id: number,
    private readonly send: Send,
    pipes: { stdin: boolean; stdout: boolean; stderr: boolean },
  ) {
    super();
    this.stdin = pipes.stdin
      ? new Writable({
          write: (chunk: Buffer, _enc, done) => {
            this.send({ op: 'stdin', id, data: chunk, end: false });
            done();
          },
          final: (done) => {
            this.send({ op: 'stdin', id, data: null, end: true });
            done();
          },
        })
      : null;
    const readable = () =>
      new Readable({
        read: () => undefined,
        // The runner destroys the pipes when it stops waiting for them: the helper lets go too.
        destroy: (err, done) => {
          this.release();
          done(err);
        },
      });
    this.stdout = pipes.stdout ? readable() : null;
    this.stderr = pipes.stderr ? readable() : null;
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
    const target = this[stream];
    if (target && !target.destroyed) target.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  failed(error: ErrorData): void {
    this.emit('error', Object.assign(new Error(error.message), error));
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.emit('exit', code, signal);
  }

  /** Like ChildProcess: 'close' only once every pipe has been read to its end. */
  close(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed) return;
    this.closed = true;
    this.released = true; // the helper forgot this process already
    const pipes = [this.stdout, this.stderr].filter((p): p is Readable => p !== null && !p.destroyed);
    let left = pipes.length;
    const done = () => {
      if (--left <= 0) this.emit('close', code, signal);
    };
    if (left === 0) {
      left = 1;
      done();
      return;
    }
    for (const pipe of pipes) {
      finished(pipe, () => done());
      pipe.push(null);
      if (!pipe.readableFlowing) pipe.resume(); // nobody reading: drain it, or 'end' never comes
    }
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.send({ op: 'release', id: this.id });
  }
}

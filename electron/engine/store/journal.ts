// The append-only journal: one JSON line per change. Writers are batched into
// one positional write + fdatasync (group commit); every waiter resolves only
// after its batch is on disk (invariant 1). The in-memory state is changed by
// each record's `apply`, called synchronously right after the fsync, so memory
// always equals exactly what is durable, in journal order.
//
// Throughput notes (test/bench/ack.ts): where the OS has O_DSYNC the file is
// opened with it, so a batch is ONE write call that returns only once the data
// is on disk: one trip through libuv's threadpool and one event-loop wake-up
// per batch instead of two (write, then fdatasync), which under load was half
// of each batch's time. A batch also starts one setImmediate after the first
// record is queued, so everything that arrived in the same event-loop turn
// (a burst of requests, or an event and the job it starts) shares one sync.
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../util/logger';
import { StoreWriteError } from './types';
import { fsyncDir, type Faults } from './durable-file';

const write = promisify(fs.write);
const fdatasync = promisify(fs.fdatasync);
const ftruncate = promisify(fs.ftruncate);
const close = promisify(fs.close);
const open = promisify(fs.open);

/** Write-through where the platform has it (Linux, macOS); elsewhere write + fdatasync. */
const DSYNC: number = fs.constants.O_DSYNC ?? 0;

interface Waiter {
  /** The record's line, newline included: text, or its UTF-8 bytes already encoded by the caller. */
  line: string | Buffer;
  apply: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** What replay could not use in one journal file: damaged lines (offsets in bytes) and a torn last line. */
export interface UnreadableBytes {
  file: string;
  lines: { offset: number; bytes: Buffer }[];
  torn: Buffer | null;
}

export const ACTIVE_JOURNAL = 'journal.log';
const ROTATED = /^journal-(\d+)\.log$/;

/** Turns a low-level error into the sentence the receiver logs and the UI shows. */
export function writeErrorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return 'The disk is full: Hookdock cannot save new webhooks until some space is freed.';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return 'Hookdock is not allowed to write to its data folder: check its permissions.';
  return `Hookdock could not save to disk: ${(err as Error)?.message ?? String(err)}`;
}

export class Journal {
  private fd: number | null = null;
  private size = 0;
  private queue: Waiter[] = [];
  private flushing = false;
  private flushScheduled = false;
  private paused = false;
  private closed = false;
  /** A failed batch may have left bytes past `size`; cut them before the next write. */
  private needsTruncate = false;
  private idleWaiters: (() => void)[] = [];
  private nextGen = 1;
  /** Journals renamed aside by a checkpoint that has not finished yet (or crashed). */
  rotated: string[] = [];
  /** Called after every batch: null on success, the error otherwise. */
  onBatch: (err: unknown | null) => void = () => {};
  /** Called by replay with the bytes it could not use, before it cuts or anything deletes them. */
  onUnreadable: (u: UnreadableBytes) => Promise<void> = async () => {};

  constructor(
    private readonly dir: string,
    private readonly faults: Faults,
    private readonly logger: Logger,
  ) {}

  get activePath(): string {
    return path.join(this.dir, ACTIVE_JOURNAL);
  }

  /** Bytes in the active journal (the checkpoint trigger). */
  get bytes(): number {
    return this.size;
  }

  /** The journal files to replay, oldest first (rotated ones, then the active one). */
  async filesToReplay(): Promise<string[]> {
    const names = await fsp.readdir(this.dir);
    const gens = names
      .map((n) => ROTATED.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    this.nextGen = (gens.at(-1) ?? 0) + 1;
    this.rotated = gens.map((g) => path.join(this.dir, rotatedName(g)));
    const files = [...this.rotated];
    if (names.includes(ACTIVE_JOURNAL)) files.push(this.activePath);
    return files;
  }

  /**
   * Replays one journal file. A torn last line (a crash mid-write: no newline)
   * was never acknowledged (its write never returned): it is handed to
   * onUnreadable, then the file is cut back to the last whole line. A line in
   * the middle that is not JSON, or that `onRecord` does not know (it returns
   * false), is skipped and handed to onUnreadable too (damage: it may have been
   * acknowledged), before the next checkpoint deletes this file.
   */
  async replay(
    file: string,
    onRecord: (rec: unknown) => boolean | void,
  ): Promise<{ records: number; tornBytes: number }> {
    const buf = await fsp.readFile(file);
    const lastNl = buf.lastIndexOf(0x0a);
    const goodLength = lastNl + 1;
    const tornBytes = buf.length - goodLength;
    let records = 0;
    let start = 0;
    const lines: UnreadableBytes['lines'] = [];
    while (start < goodLength) {
      const end = buf.indexOf(0x0a, start);
      if (end > start) {
        const text = buf.toString('utf8', start, end);
        let rec: unknown;
        try {
          rec = JSON.parse(text);
        } catch {
          rec = undefined;
        }
        if (rec !== undefined && onRecord(rec) !== false) records++;
        else lines.push({ offset: start, bytes: buf.subarray(start, end) });
      }
      start = end + 1;
    }
    const torn = tornBytes > 0 ? buf.subarray(goodLength) : null;
    if (lines.length || torn) await this.onUnreadable({ file, lines, torn });
    if (tornBytes > 0) {
      await fsp.truncate(file, goodLength);
      const fh = await fsp.open(file, 'r+');
      await fh.datasync().finally(() => fh.close());
    }
    return { records, tornBytes };
  }

  /** Opens (creating if needed) the active journal for appending. */
  async open(): Promise<void> {
    this.fd = await open(this.activePath, fs.constants.O_RDWR | fs.constants.O_CREAT | DSYNC, 0o600);
    this.size = (await fsp.stat(this.activePath)).size;
    await fsyncDir(this.dir);
  }

  /**
   * Queues one record (or its JSON text, already serialised by the caller, or its whole
   * line as UTF-8 bytes ending in a newline); resolves once it is fsync'd and applied,
   * rejects with StoreWriteError.
   */
  append(record: unknown, apply: () => void): Promise<void> {
    if (this.closed) return Promise.reject(new StoreWriteError('The store is closed.'));
    const line = Buffer.isBuffer(record)
      ? record
      : (typeof record === 'string' ? record : JSON.stringify(record)) + '\n';
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, apply, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when nothing is being written (queued writes may remain while paused). */
  whenIdle(): Promise<void> {
    if (!this.flushing && !this.flushScheduled && (this.paused || this.queue.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Renames the active journal aside and starts a fresh one, between two
   * batches. Writes stay paused until resume(): the caller snapshots the state
   * (which then holds exactly the rotated journal's records) in between.
   */
  async rotate(): Promise<void> {
    this.paused = true;
    await this.whenIdle();
    const rotatedPath = path.join(this.dir, rotatedName(this.nextGen));
    // Bytes of a rejected batch must not travel into the rotated file, where replay would find them.
    if (this.fd !== null && this.needsTruncate) {
      await ftruncate(this.fd, this.size).then(
        () => (this.needsTruncate = false),
        () => {},
      );
    }
    if (this.fd !== null) await close(this.fd).catch(() => {});
    this.fd = null;
    try {
      await fsp.rename(this.activePath, rotatedPath);
      this.nextGen++;
      this.rotated.push(rotatedPath);
    } finally {
      // Whatever happened, writes need an open journal again.
      await this.open().catch((err) => this.logger.error('Could not reopen the journal', { err }));
    }
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  /** After a checkpoint made them redundant: deletes every rotated journal. */
  async dropRotated(): Promise<void> {
    const files = this.rotated;
    for (const f of files) await fsp.rm(f, { force: true });
    this.rotated = this.rotated.filter((f) => !files.includes(f));
    await fsyncDir(this.dir);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.paused = false;
    this.kick();
    while (this.flushing || this.flushScheduled || this.queue.length)
      await new Promise<void>((r) => this.idleWaiters.push(r));
    this.closed = true;
    if (this.fd !== null) await close(this.fd).catch(() => {});
    this.fd = null;
  }

  private kick(): void {
    if (this.flushing || this.flushScheduled || this.paused || !this.queue.length) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.flushing && !this.paused && this.queue.length) void this.flush();
      else this.notifyIdle();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length && !this.paused) {
      const batch = this.queue;
      this.queue = [];
      let error: unknown = null;
      try {
        await this.writeBatch(batch);
      } catch (err) {
        error = err;
      }
      if (error) {
        const wrapped = new StoreWriteError(writeErrorMessage(error), error);
        for (const w of batch) w.reject(wrapped);
      } else {
        for (const w of batch) {
          try {
            w.apply();
          } catch (err) {
            this.logger.error('Applying a journal record failed', { err });
          }
          w.resolve();
        }
      }
      this.onBatch(error);
    }
    this.flushing = false;
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.flushing || this.flushScheduled) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async writeBatch(batch: Waiter[]): Promise<void> {
    if (this.fd === null) await this.open();
    const fd = this.fd as number;
    if (this.needsTruncate) {
      await ftruncate(fd, this.size);
      this.needsTruncate = false;
    }
    const buf = batchBytes(batch);
    try {
      // With O_DSYNC the write is the sync: the fault hook runs before it.
      if (DSYNC) this.faults.beforeSync?.();
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await write(fd, buf, off, buf.length - off, this.size + off);
        off += bytesWritten;
      }
      if (!DSYNC) {
        this.faults.beforeSync?.();
        await fdatasync(fd);
      }
    } catch (err) {
      // Never leave part of a rejected batch where the next batch would follow it.
      this.needsTruncate = true;
      await ftruncate(fd, this.size).then(
        () => (this.needsTruncate = false),
        () => {},
      );
      throw err;
    }
    this.size += buf.length;
  }
}

/** The batch's lines as one buffer: text lines encoded together, byte lines copied as they are. */
function batchBytes(batch: Waiter[]): Buffer {
  if (batch.length === 1) {
    const only = batch[0].line;
    return typeof only === 'string' ? Buffer.from(only, 'utf8') : only;
  }
  const parts: Buffer[] = [];
  let text = '';
  for (const w of batch) {
    if (typeof w.line === 'string') text += w.line;
    else {
      if (text) parts.push(Buffer.from(text, 'utf8'));
      text = '';
      parts.push(w.line);
    }
  }
  if (text) parts.push(Buffer.from(text, 'utf8'));
  return Buffer.concat(parts);
}

function rotatedName(gen: number): string {
  return `journal-${String(gen).padStart(8, '0')}.log`;
}

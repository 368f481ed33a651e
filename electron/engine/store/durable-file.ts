// A lowdb adapter that is actually durable. lowdb's own TextFile/steno writes a
// temp file and renames it but never fsyncs, so a power cut can leave an empty
// or old file behind an acknowledged write (ARCHITECTURE.md "Known traps").
// Here: write temp file -> fdatasync -> rename -> fsync the folder.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { describeJsonError } from '../util/json-error';

/** Test hook: called right before every fsync, so a test can simulate a full disk. */
export interface Faults {
  beforeSync?: () => void;
}

/** A file that exists but cannot be read as what it should hold. The store quarantines it. */
export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    /** Why, never quoting the file's content (it may hold customer data). */
    readonly reason: string,
  ) {
    super(`${path.basename(file)} is damaged: ${reason}`);
    this.name = 'CorruptFileError';
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

let tmpCounter = 0;

/** Temp file + fdatasync + atomic rename + folder fsync. Returns the bytes written. */
export async function writeFileDurable(file: string, text: string | Buffer, faults?: Faults): Promise<number> {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  // 0600: webhook payloads can hold customer data.
  const fh = await fsp.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(buf);
    faults?.beforeSync?.();
    await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  await fh.close();
  await fsp.rename(tmp, file);
  await fsyncDir(path.dirname(file));
  return buf.length;
}

export class DurableJSONFile<T> implements Adapter<T> {
  /** Size in bytes of the last successful write (segments record it to detect damage). */
  lastWrittenBytes = 0;

  constructor(
    readonly file: string,
    private readonly faults?: Faults,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      // Not JSON.parse's message: it quotes the bytes around the fault.
      throw new CorruptFileError(this.file, `it is not valid JSON (${describeJsonError(text) ?? 'unparsable'})`);
    }
  }

  write(data: T): Promise<void> {
    // Serialised synchronously, before the first await: the checkpoint relies on
    // the file holding the state as it was when write() was called.
    const text = JSON.stringify(data);
    return writeFileDurable(this.file, text, this.faults).then((n) => {
      this.lastWrittenBytes = n;
    });
  }
}

/** Reads one JSON file through lowdb; null when it does not exist. Throws CorruptFileError. */
export async function readJson<T>(file: string): Promise<T | null> {
  const db = new Low<T | null>(new DurableJSONFile<T | null>(file), null);
  await db.read();
  return db.data;
}

/** Writes one JSON file durably through lowdb; returns its size in bytes. */
export async function writeJson<T>(file: string, data: T, faults?: Faults): Promise<number> {
  const adapter = new DurableJSONFile<T>(file, faults);
  const db = new Low<T>(adapter, data);
  await db.write();
  return adapter.lastWrittenBytes;
}

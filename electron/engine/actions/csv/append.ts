// Appending one row to a CSV file so that a crash (kill -9, power loss) never leaves a
// half-written row among the others:
//   - a row is one line: line breaks inside a value are written as spaces, so the file's
//     rows and lines are the same thing and a torn row is always the file's unfinished tail;
//   - the row (with its CRLF, RFC 4180 section 2) is written with one write(2) on an O_APPEND
//     fd, then fdatasync'd before the attempt reports success;
//   - before appending, a file that does not end in "\n" has a torn tail (the prefix of a row
//     cut by a crash). It is moved, not deleted, to "<file>.torn" and the file truncated to its
//     last complete row, so the next row starts on a line of its own.
// A new or empty file starts with a UTF-8 byte-order mark (Excel then reads non-ASCII text
// as UTF-8; LibreOffice detects it too) and the header row, in the same write as the first row.
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** What one append did. */
export interface AppendResult {
  /** The header row was written now (the file was new or empty). */
  header: boolean;
  /** Bytes of a torn tail moved to "<file>.torn" before this row, 0 when none. */
  tornBytes: number;
  /** A retry found this exact row already among the file's last rows: not written again. */
  alreadyWritten: boolean;
}

/** Bytes from the end searched for a retried row (and for the torn tail's line start). */
const TAIL_BYTES = 64 * 1024;
const BOM = '\uFEFF';

/** One CSV line (CRLF-terminated) of the cells, quoted where needed by csv-stringify. */
export function csvLine(cells: readonly string[]): string {
  return stringify([cells.map(oneLine)], { record_delimiter: 'windows', quoted_match: /^\s|\s$/ });
}

/** Line breaks in a value become spaces: one row, one line (see the top of this file). */
const oneLine = (v: string) => v.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ');

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A value a spreadsheet would run as a formula (starts with = + - @ or a tab/CR, OWASP "CSV
 * Injection") gets a leading apostrophe, so a customer named "=HYPERLINK(...)" stays text.
 * Plain numbers ("-12.50") are left as they are.
 */
export function defuseFormula(v: string): string {
  return /^[=+\-@\t\r]/.test(v) && !NUMBER.test(v) ? `'${v}` : v;
}

/**
 * Appends `row` (already a CSV line, CRLF-terminated) to `file`, writing `header` first when
 * the file is new or empty. `retry`: this attempt may repeat one that wrote the row before a
 * crash; the row is then not written again when it is among the last rows (at-least-once,
 * narrowed). Rejects with the fs error (ENOENT for a missing folder, EACCES, ENOSPC).
 */
export async function appendRow(file: string, header: string, row: string, retry: boolean): Promise<AppendResult> {
  const fh = await open(file, 'a+', 0o644);
  try {
    let { size } = await fh.stat();
    let tornBytes = 0;
    if (size > 0 && (await lastByte(fh, size)) !== 0x0a) {
      tornBytes = await quarantineTornTail(fh, file, size);
      size -= tornBytes;
    }
    if (size > 0 && retry && (await tailHasRow(fh, size, row))) {
      return { header: false, tornBytes, alreadyWritten: true };
    }
    const text = size === 0 ? BOM + header + row : row;
    await writeAll(fh, Buffer.from(text, 'utf8'));
    await fh.datasync();
    if (size === 0 && tornBytes === 0) await syncDir(dirname(file));
    return { header: size === 0, tornBytes, alreadyWritten: false };
  } finally {
    await fh.close();
  }
}

async function lastByte(fh: FileHandle, size: number): Promise<number> {
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, size - 1);
  return b[0];
}

/** Moves the bytes after the last "\n" to "<file>.torn" and truncates; returns how many. */
async function quarantineTornTail(fh: FileHandle, file: string, size: number): Promise<number> {
  let end = size;
  let keep = 0;
  while (end > 0) {
    const start = Math.max(0, end - TAIL_BYTES);
    const chunk = Buffer.alloc(end - start);
    await fh.read(chunk, 0, chunk.length, start);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl >= 0) {
      keep = start + nl + 1;
      break;
    }
    end = start;
  }
  const tail = Buffer.alloc(size - keep);
  await fh.read(tail, 0, tail.length, keep);
  const torn = await open(`${file}.torn`, 'a', 0o644);
  try {
    await writeAll(torn, Buffer.concat([tail, Buffer.from('\n')]));
    await torn.datasync();
  } finally {
    await torn.close();
  }
  await fh.truncate(keep);
  await fh.datasync();
  return tail.length;
}

async function tailHasRow(fh: FileHandle, size: number, row: string): Promise<boolean> {
  const start = Math.max(0, size - TAIL_BYTES);
  const chunk = Buffer.alloc(size - start);
  await fh.read(chunk, 0, chunk.length, start);
  const text = chunk.toString('utf8');
  return text === row || text.endsWith(row) ? true : text.includes(`\n${row}`);
}

/** One write(2) for the whole row in practice; loops only if the kernel writes short. */
async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Windows cannot open a folder to sync it; the file's own sync is what there is.
  }
}
